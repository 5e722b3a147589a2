package conflict

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// mapSchema is a Schema over a fixed table: layer -> columns; the first
// column is the class field.
type mapSchema map[string][]string

func (m mapSchema) Columns(layer string) ([]string, string, bool) {
	cols, ok := m[layer]
	if !ok || len(cols) == 0 {
		return cols, "", ok
	}
	return cols, cols[0], true
}

func TestDefaultRulesParse(t *testing.T) {
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) < 20 {
		t.Fatalf("%d default rules, want at least 20", len(set.Rules))
	}
	seen := map[string]bool{}
	for _, r := range set.Rules {
		if seen[r.Kind] = true; r.NameZh == "" || r.NameEn == "" {
			t.Errorf("rule %s lacks a name", r.ID)
		}
	}
	for _, k := range kinds {
		if !seen[k] {
			t.Errorf("no default rule of kind %s", k)
		}
	}
}

func TestRuleErrors(t *testing.T) {
	schema := mapSchema{"a": {"cls", "n"}, "b": {"code"}}
	tests := []struct {
		name, toml, want string
	}{
		{"unknown kind", `kind = "overlap"`, "field kind: unknown kind"},
		{"missing a", `kind = "exclusive"` + "\n" + `b = { layer = "b" }`, "field a.layer: missing"},
		{"negative distance", `kind = "setback"` + "\n" + `distance = -3`, "field distance: negative"},
		{"bad where", `kind = "exclusive"` + "\n" + `a = { layer = "a", where = "n = " }`, "field a.where"},
		{"unknown field", `kind = "exclusive"` + "\n" + `colour = 1`, `unknown field "rule.colour"`},
		{"bad severity", `kind = "exclusive"` + "\n" + `severity = "urgent"`, "field severity"},
		{"slope threshold", `kind = "slope"` + "\n" + `threshold = 95`, "field threshold"},
		{"no layer", `kind = "exclusive"` + "\n" + `b = { layer = "zz" }`, `field b.layer: no layer "zz"`},
		{"unknown attribute", `kind = "exclusive"` + "\n" + `b = { layer = "b", where = "dj = 1" }`, `no attribute "dj"`},
		{"class field", `kind = "attribute"` + "\n" + `b = { layer = "b" }` + "\n" + `b_class_field = "x"`, `field b_class_field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "[[rule]]\nid = \"R1\"\n" + tt.toml + "\n"
			if !strings.Contains(tt.toml, "a = {") {
				src += `a = { layer = "a" }` + "\n"
			}
			if !strings.Contains(tt.toml, "b = {") && tt.name != "missing a" {
				src += `b = { layer = "b" }` + "\n"
			}
			if tt.name == "missing a" {
				src = "[[rule]]\nid = \"R1\"\n" + tt.toml + "\n"
			}
			set, err := ParseRules("user.toml", []byte(src))
			if err == nil {
				err = set.Validate(schema)
			}
			if !errors.Is(err, ErrRule) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "user.toml") {
				t.Errorf("err = %v, want ErrRule naming user.toml and %q", err, tt.want)
			}
		})
	}
}

func TestRuleOverrideAndSelect(t *testing.T) {
	set, err := ParseRules("a.toml", []byte(`[[rule]]
id = "X"
kind = "exclusive"
a = { layer = "a" }
b = { layer = "b" }
[[rule]]
id = "X"
kind = "within"
a = { layer = "a" }
b = { layer = "b" }
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) != 1 || set.Rules[0].Kind != KindWithin {
		t.Fatalf("rules = %+v, want one within rule", set.Rules)
	}
	if _, err := set.Select([]string{"Y"}); !errors.Is(err, ErrRule) {
		t.Errorf("Select(Y) err = %v", err)
	}
}

func FuzzParseRules(f *testing.F) {
	def, err := os.ReadFile("../../assets/rules/default.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(def))
	f.Add("[[rule]]\nid = \"X\"\nkind = \"setback\"\ndistance = 5\na = { layer = \"a\" }\nb = { layer = \"b\", where = \"n = 1\" }\n")
	schema := mapSchema{"a": {"cls", "n"}, "b": {"n"}}
	f.Fuzz(func(t *testing.T, src string) {
		set, err := ParseRules("fuzz.toml", []byte(src))
		if err != nil {
			if !errors.Is(err, ErrRule) {
				t.Fatalf("error without ErrRule: %v", err)
			}
			return
		}
		if err := set.Validate(schema); err != nil && !errors.Is(err, ErrRule) {
			t.Fatalf("validation error without ErrRule: %v", err)
		}
	})
}
