package qgis

import (
	"encoding/xml"
	"strings"
	"testing"
)

// xnode is any XML element, for evaluating SLD filters.
type xnode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Kids    []xnode    `xml:",any"`
}

func (n xnode) find(local string) []xnode {
	var out []xnode
	for _, k := range n.Kids {
		if k.XMLName.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// matches evaluates the filter operators SLD uses here for a value of the
// one class field.
func (n xnode) matches(t *testing.T, v string) bool {
	switch n.XMLName.Local {
	case "Filter":
		return n.Kids[0].matches(t, v)
	case "And":
		for _, k := range n.Kids {
			if !k.matches(t, v) {
				return false
			}
		}
		return true
	case "Or":
		for _, k := range n.Kids {
			if k.matches(t, v) {
				return true
			}
		}
		return false
	case "Not":
		return !n.Kids[0].matches(t, v)
	case "PropertyIsLike":
		lit := strings.ReplaceAll(n.find("Literal")[0].Text, "!", "")
		if !strings.HasSuffix(lit, "*") || strings.ContainsAny(strings.TrimSuffix(lit, "*"), "*.") {
			t.Fatalf("unexpected pattern %q", lit)
		}
		return strings.HasPrefix(v, strings.TrimSuffix(lit, "*"))
	}
	t.Fatalf("unexpected filter element %s", n.XMLName.Local)
	return false
}

// TestSLDClassRulesAreLongestPrefix: for every code and many codes the
// palettes do not list, exactly one SLD rule matches, and it is the rule
// of the class Lantu gives the code (its longest listed prefix), or the
// "other" rule when there is none.
func TestSLDClassRulesAreLongestPrefix(t *testing.T) {
	cat := defaultCatalog(t)
	for _, code := range []string{"XZ_DLTB", "GH_GHYDYH", "XZ_GDPDJ"} {
		l := cat.Layer(code)
		p := cat.Palette(l)
		var doc xnode
		if err := xml.Unmarshal([]byte(SLD(cat, l, l.Style)), &doc); err != nil {
			t.Fatal(err)
		}
		rules := doc.find("NamedLayer")[0].find("UserStyle")[0].find("FeatureTypeStyle")[0].find("Rule")
		probes := []string{"", "9", "99", "0000", "x1"}
		for _, c := range p.Classes {
			probes = append(probes, c.Code, c.Code+"9", c.Code+"01", c.Code[:len(c.Code)-1]+"x")
		}
		for _, v := range probes {
			var hit []string
			for _, r := range rules {
				name := r.find("Name")[0].Text
				if f := r.find("Filter"); len(f) == 1 && f[0].matches(t, v) {
					hit = append(hit, name)
				}
			}
			want := "other"
			if c, ok := p.Lookup(v); ok && v != "" {
				want = c.Code + " " + c.NameEn
			}
			if len(hit) != 1 || hit[0] != want {
				t.Errorf("%s: value %q matches rules %q, want only %q", code, v, hit, want)
			}
		}
	}
}
