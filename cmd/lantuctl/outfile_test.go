package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lantu/layers/terrain"
)

// writer is one command that writes an --out file.
type writer struct {
	name  string
	ext   string                    // of its output
	input func(t *testing.T) string // "" for none
	args  func(in, out string) []string
	valid func(t *testing.T, out string) // checks a written output
}

func writers() []writer {
	dem := func(mode string) writer {
		return writer{"terrain " + mode, ".tif", terrainFixture, func(in, out string) []string {
			return []string{"terrain", mode, in, "--out", out}
		}, func(t *testing.T, out string) {
			if _, err := terrain.ReadDEM(out); err != nil {
				t.Errorf("%s: %v", out, err)
			}
		}}
	}
	return []writer{
		{"check", ".csv", conflictFixture, func(in, out string) []string {
			return []string{"check", in, "--rule", "CL-RED-FARM", "--json", "--out", out}
		}, func(t *testing.T, out string) {
			if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte("MULTIPOLYGON")) {
				t.Errorf("%s: no patch written (%v)", out, err)
			}
		}},
		{"render", ".png", renderFixture, func(in, out string) []string {
			return []string{"render", in, "--size", "64x48", "--out", out}
		}, func(t *testing.T, out string) { readPNGFile(t, out) }},
		dem("slope"), dem("aspect"), dem("hillshade"),
		{"demo", ".gpkg", nil, func(_, out string) []string {
			// No source data here: generation fails after the checks, so
			// --force must still leave the old file whole.
			return []string{"demo", "--scale", "tiny", "--data", filepath.Join(filepath.Dir(out), "no-data"), "--out", out}
		}, nil},
	}
}

func digest(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// outCase is one --out target and whether the command must refuse it.
type outCase struct {
	name    string
	target  func(t *testing.T, dir, in, ext string) string
	force   bool
	refuse  bool // else the command writes the output (or fails later, keeping the old file)
	ofInput bool // the target is made from the input
}

var outCases = []outCase{
	{"same path", func(t *testing.T, _, in, _ string) string { return in }, true, true, true},
	{"hard link", func(t *testing.T, dir, in, ext string) string {
		p := filepath.Join(dir, "hard"+ext)
		if err := os.Link(in, p); err != nil {
			t.Fatal(err)
		}
		return p
	}, true, true, true},
	{"symlink", func(t *testing.T, dir, in, ext string) string {
		p := filepath.Join(dir, "soft"+ext)
		if err := os.Symlink(in, p); err != nil {
			t.Fatal(err)
		}
		return p
	}, true, true, true},
	{"existing file without --force", func(t *testing.T, dir, _, ext string) string {
		return filepath.Join(dir, "old"+ext)
	}, false, true, false},
	{"existing file with --force", func(t *testing.T, dir, _, ext string) string {
		return filepath.Join(dir, "old"+ext)
	}, true, false, false},
	{"missing folder", func(t *testing.T, dir, _, ext string) string {
		return filepath.Join(dir, "no", "such", "out"+ext)
	}, true, true, false},
}

// TestOutputsNeverDestroyInputs runs every command that writes a file
// against targets it must refuse: each refusal is an error (exit 1, not
// usage) naming the target, and leaves the input, the old file and the
// folder as they were. With --force the old file is replaced.
func TestOutputsNeverDestroyInputs(t *testing.T) {
	for _, w := range writers() {
		for _, c := range outCases {
			if w.input == nil && c.ofInput {
				continue // demo reads no input file
			}
			t.Run(w.name+"/"+c.name, func(t *testing.T) {
				in := ""
				if w.input != nil {
					in = w.input(t)
				}
				dir := t.TempDir()
				old := filepath.Join(dir, "old"+w.ext)
				os.WriteFile(old, []byte("old output"), 0o644)
				target := c.target(t, dir, in, w.ext)
				var inSum [32]byte
				if in != "" {
					inSum = digest(t, in)
				}
				listed := ls(t, dir)
				args := w.args(in, target)
				if c.force {
					args = append(args, "--force")
				}
				_, err := runOut(t, args...)
				var ue usageError
				if errors.As(err, &ue) {
					t.Fatalf("lantuctl %s: a usage error (exit 2), want exit 1: %v", strings.Join(args, " "), err)
				}
				if in != "" && c.refuse && digest(t, in) != inSum {
					t.Errorf("the input %s changed", in)
				}
				if got := ls(t, dir); !slices.Equal(got, listed) {
					t.Errorf("folder now holds %v, before %v", got, listed)
				}
				switch {
				case c.refuse && err == nil:
					t.Fatalf("lantuctl %s: no error", strings.Join(args, " "))
				case c.refuse && !strings.Contains(err.Error(), filepath.Base(target)):
					t.Errorf("error %q does not name %s", err, target)
				case c.refuse, w.valid == nil:
					if b, _ := os.ReadFile(old); string(b) != "old output" {
						t.Errorf("%s now holds %d bytes, want the old output", old, len(b))
					}
				case err != nil:
					t.Fatalf("lantuctl %s: %v", strings.Join(args, " "), err)
				default:
					w.valid(t, target)
				}
			})
		}
	}
}

func ls(t *testing.T, dir string) []string {
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestCheckBadRuleFile: a rule file with numbers GEOS cannot use is refused
// before the blueprint is opened: exit 1 naming the file, the rule and the
// field, the blueprint byte-identical.
func TestCheckBadRuleFile(t *testing.T) {
	bp := conflictFixture(t)
	for _, c := range []struct{ name, body, field string }{
		{"nan distance", "kind = \"setback\"\ndistance = nan", "distance"},
		{"inf distance", "kind = \"setback\"\ndistance = inf", "distance"},
		{"huge distance", "kind = \"setback\"\ndistance = 1e300", "distance"},
		{"inf min_width", "kind = \"exclusive\"\nmin_width = inf", "min_width"},
		{"nan threshold", "kind = \"slope\"\nthreshold = nan", "threshold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rules := filepath.Join(t.TempDir(), "bad rules.toml")
			os.WriteFile(rules, []byte("[[rule]]\nid = \"MY-RULE\"\n"+c.body+
				"\na = { layer = \"GH_STBHHX\" }\nb = { layer = \"GH_YJJBNT\" }\n"), 0o644)
			before := digest(t, bp)
			_, err := runOut(t, "check", bp, "--rules", rules, "--rule", "MY-RULE")
			var ue usageError
			if err == nil || errors.As(err, &ue) {
				t.Fatalf("err = %v, want a failure (exit 1)", err)
			}
			for _, want := range []string{rules, "MY-RULE", "field " + c.field} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if digest(t, bp) != before {
				t.Errorf("the blueprint changed")
			}
		})
	}
}
