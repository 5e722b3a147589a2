package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/spf13/cobra"

	"lantu/layers"
)

// runFresh runs a freshly built command (so no flag keeps a value from an
// earlier run) and returns its standard output.
func runFresh(t *testing.T, mk func() *cobra.Command, args ...string) (string, error) {
	t.Helper()
	cmd := mk()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// inRed is a 50 x 50 m proposal: half in the fixture's red line only, half
// in the red line and the farmland.
const inRed = "POLYGON((500025 4600025,500075 4600025,500075 4600075,500025 4600075,500025 4600025))"

func TestEditAndSitingCommands(t *testing.T) {
	path := conflictFixture(t)
	out, err := runFresh(t, editCmd, path, "--layer", "GL_XZFA", "--add", "--geom", inRed, "--set", "xmmc=某项目", "--set", "mj=2500", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ed editResult
	if err := json.Unmarshal([]byte(out), &ed); err != nil || ed.UID == "" || ed.Op != "insert" {
		t.Fatalf("edit --json %q: %v", out, err)
	}
	out, err = runFresh(t, sitingCmd, path, "--uid", ed.UID, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Project string `json:"project"`
		AreaM2  float64
		Verdict string `json:"verdict"`
		Layers  map[string]struct {
			AreaM2  float64 `json:"area_m2"`
			Share   float64 `json:"share"`
			Verdict string  `json:"verdict"`
		} `json:"layers"`
		Rules []struct {
			ID      string  `json:"id"`
			AreaM2  float64 `json:"area_m2"`
			Share   float64 `json:"share"`
			Verdict string  `json:"verdict"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("siting --json: %v\n%s", err, out)
	}
	red, farm := rep.Layers["GH_STBHHX"], rep.Layers["GH_YJJBNT"]
	if rep.Project != "某项目" || rep.Verdict != "non_compliant" || math.Abs(red.AreaM2-2500) > 1e-6 || red.Share != 1 ||
		math.Abs(farm.AreaM2-1250) > 1e-6 || farm.Verdict != "non_compliant" {
		t.Errorf("siting --json: %+v", rep)
	}
	for _, ext := range []string{".pdf", ".xlsx"} {
		file := filepath.Join(t.TempDir(), "report"+ext)
		if _, err := runFresh(t, sitingCmd, path, "--uid", ed.UID, "--out", file); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		magic := map[string]string{".pdf": "%PDF-", ".xlsx": "PK"}[ext]
		if err != nil || !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("%s: %d bytes, %v", file, len(b), err)
		}
	}
}

func TestEditCommand(t *testing.T) {
	path := conflictFixture(t)
	uid, err := runFresh(t, editCmd, path, "--layer", "GL_XZFA", "--add", "--geom", inRed)
	if err != nil {
		t.Fatal(err)
	}
	uid = strings.TrimSpace(uid)
	if _, err := runFresh(t, editCmd, path, "--layer", "GL_XZFA", "--uid", uid, "--set", "xmmc=改名", "--set", "bz="); err != nil {
		t.Fatal(err)
	}
	out, err := runFresh(t, sitingCmd, path, "--uid", uid, "--json")
	if err != nil || !strings.Contains(out, `"project": "改名"`) {
		t.Errorf("after update: %v\n%s", err, out)
	}
	var ue usageError
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--layer", "GL_XZFA", "--uid", uid, "--set", "mj=abc"}, "field mj (real)"},
		{[]string{"--layer", "GL_XZFA", "--uid", uid, "--set", "nosuch=1"}, `no field "nosuch"`},
		{[]string{"--layer", "GL_XZFA", "--add", "--geom", "POINT(1 2)"}, "holds MULTIPOLYGON"},
		{[]string{"--layer", "GL_XZFA", "--add", "--geom", "POLYGON((1 2"}, "--geom"},
		{[]string{"--layer", "GL_XZFA", "--add", "--geom", "POLYGON EMPTY"}, "empty geometry"},
		{[]string{"--layer", "GL_XZFA", "--add", "--delete", uid}, "exactly one"},
		{[]string{"--layer", "NO_SUCH", "--delete", uid}, `no layer "NO_SUCH"`},
	} {
		_, err := runFresh(t, editCmd, append([]string{path}, c.args...)...)
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("edit %v: %v, want a usage error naming %q", c.args, err, c.want)
		}
	}
	if _, err := runFresh(t, editCmd, path, "--layer", "GL_XZFA", "--delete", uid); err != nil {
		t.Fatal(err)
	}
	if _, err := runFresh(t, sitingCmd, path, "--uid", uid); err == nil || !strings.Contains(err.Error(), uid) {
		t.Errorf("siting of a deleted proposal: %v, want an error naming the uid", err)
	}
}

func FuzzParseValue(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		typ, val, _ := strings.Cut(in, "|")
		v, err := parseValue(typ, val)
		if err == nil && val == "" && v != nil {
			t.Errorf("%q: empty value gave %v, want NULL", in, v)
		}
	})
}

// FuzzParseGeom: any --geom text is a polygon for a polygon layer or a
// usage error, never a panic.
func FuzzParseGeom(f *testing.F) {
	l := &layers.Layer{Code: "GL_XZFA", GeomType: "MULTIPOLYGON"}
	f.Fuzz(func(t *testing.T, text string) {
		g, err := parseGeom(l, text)
		var ue usageError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("%q: %v is not a usage error", text, err)
		}
		if _, ok := g.(orb.MultiPolygon); err == nil && !ok {
			t.Errorf("%q: got %T for a MULTIPOLYGON layer", text, g)
		}
	})
}
