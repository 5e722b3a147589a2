package conflict

import (
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

func TestParseWhereSQL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"dlbm = '0101'", `"dlbm" = '0101'`},
		{"dj <> 1", `"dj" != 1`},
		{"dj >= -2.5", `"dj" >= -2.5`},
		{"a = 1 AND b = 2 OR c = 3", `(("a" = 1 AND "b" = 2) OR "c" = 3)`},
		{"a = 1 AND (b = 2 OR c = 3)", `("a" = 1 AND ("b" = 2 OR "c" = 3))`},
		{"NOT a IN ('x', 'y')", `(NOT "a" IN ('x', 'y'))`},
		{"a NOT IN (1,2)", `"a" NOT IN (1, 2)`},
		{"ydyhdm like '07%'", `"ydyhdm" LIKE '07%'`},
		{"ydyhdm NOT LIKE '07%'", `"ydyhdm" NOT LIKE '07%'`},
		{"mc IS NULL", `"mc" IS NULL`},
		{"mc is not null", `"mc" IS NOT NULL`},
		{`"odd""name" = 'it''s'`, `"odd""name" = 'it''s'`},
		{"类型 = '耕地'", `"类型" = '耕地'`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := ParseWhere(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.SQL(); got != tt.want {
				t.Errorf("SQL = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseWhereErrors(t *testing.T) {
	for _, in := range []string{
		"a =", "= 1", "a = 'x", "a IN ()", "a IN (1", "a LIKE 3", "(a = 1", "a = 1)", "a ~ 1",
		"a = 1 AND", "a IS 1", "a b", "1 = a", "a = 1..2", "a = - 'x'",
	} {
		t.Run(in, func(t *testing.T) {
			if _, err := ParseWhere(in); !errors.Is(err, ErrWhere) {
				t.Errorf("err = %v, want ErrWhere", err)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	attrs := map[string]any{"dlbm": "0101", "dj": int64(3), "mj": 12.5, "mc": nil, "name": "Hunhe River"}
	tests := []struct {
		where string
		want  bool
	}{
		{"dlbm = '0101'", true},
		{"dlbm LIKE '01%'", true},
		{"dlbm NOT LIKE '01%'", false},
		{"dlbm IN ('0102', '0101')", true},
		{"dlbm NOT IN ('0102', '0101')", false},
		{"dj > 2 AND dj <= 3", true},
		{"dj = '3'", true},
		{"mj < 10 OR dj = 3", true},
		{"mc = 'x'", false},
		{"NOT mc = 'x'", false},
		{"mc IS NULL", true},
		{"mc IS NOT NULL", false},
		{"NOT (mc = 'x') OR dj = 3", true},
		{"mc = 'x' AND dj = 9", false},
		{"name LIKE '%river'", true},
		{"name LIKE 'H_nhe%'", true},
		{"missing IS NULL", true},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			e, err := ParseWhere(tt.where)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Match(attrs); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMatchAgreesWithSQLite runs each filter both in Go and in SQLite over the
// same rows and expects the same selection.
func TestMatchAgreesWithSQLite(t *testing.T) {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows := []map[string]any{
		{"c": "0101", "n": int64(1)}, {"c": "0701", "n": int64(5)}, {"c": nil, "n": nil}, {"c": "R2", "n": int64(3)},
	}
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT, n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if _, err := db.Exec(`INSERT INTO t VALUES (?, ?, ?)`, i, r["c"], r["n"]); err != nil {
			t.Fatal(err)
		}
	}
	for _, where := range []string{
		"c = '0101'", "c != '0101'", "NOT c = '0101'", "c LIKE '07%' OR n > 2", "c IS NULL", "n IN (1, 3)",
		"n NOT IN (1, 3)", "NOT (c LIKE 'r%' AND n = 3)", "n >= 3 AND c IS NOT NULL", "c > '0500'",
	} {
		e, err := ParseWhere(where)
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		res, err := db.Query(`SELECT id FROM t WHERE ` + e.SQL() + ` ORDER BY id`)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for res.Next() {
			var id int
			res.Scan(&id)
			want = append(want, id)
		}
		res.Close()
		var got []int
		for i, r := range rows {
			if e.Match(r) {
				got = append(got, i)
			}
		}
		if len(got) != len(want) || (len(got) > 0 && !equalInts(got, want)) {
			t.Errorf("%s: Go selects %v, SQLite %v", where, got, want)
		}
	}
}

func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzParseWhere(f *testing.F) {
	seeds, err := os.ReadFile("testdata/where.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range strings.Split(string(seeds), "\n") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseWhere(src)
		if err != nil || e == nil {
			return
		}
		again, err := ParseWhere(e.SQL())
		if err != nil {
			t.Fatalf("rendered SQL %q of %q does not parse: %v", e.SQL(), src, err)
		}
		if again.SQL() != e.SQL() {
			t.Fatalf("round trip changed %q to %q", e.SQL(), again.SQL())
		}
		e.Match(map[string]any{"a": "1", "b": int64(2)})
	})
}
