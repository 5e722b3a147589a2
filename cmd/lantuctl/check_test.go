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

	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers"
)

// conflictFixture writes a blueprint where the red line and the farmland
// overlap on 50 x 100 m.
func conflictFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bp.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for code, s := range map[string]string{
		"GH_STBHHX": "POLYGON((500000 4600000,500100 4600000,500100 4600100,500000 4600100,500000 4600000))",
		"GH_YJJBNT": "POLYGON((500050 4600000,500150 4600000,500150 4600100,500050 4600100,500050 4600000))",
	} {
		g, _ := wkt.Unmarshal(s)
		if err := w.Insert(code, g, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckAndReviewCommands(t *testing.T) {
	path := conflictFixture(t)
	csvOut := filepath.Join(t.TempDir(), "patches.csv")
	var out bytes.Buffer
	root.SetOut(&out)
	defer root.SetOut(nil)
	if err := runRoot("check", path, "--rule", "CL-RED-FARM", "--json", "--out", csvOut); err != nil {
		t.Fatal(err)
	}
	var rep checkReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output %q: %v", out.String(), err)
	}
	r := rep.Rules["CL-RED-FARM"]
	if r.Patches != 1 || math.Abs(r.Area-5000) > 1e-6 || rep.Patches != 1 {
		t.Errorf("report %+v", rep)
	}
	if rep.Open <= 0 || rep.Store <= 0 || rep.Store > rep.Seconds {
		t.Errorf("open %g s, store %g s of %g s: want the open and the store timed", rep.Open, rep.Store, rep.Seconds)
	}
	b, err := os.ReadFile(csvOut)
	if err != nil || !strings.Contains(string(b), "MULTIPOLYGON") {
		t.Errorf("csv: %s %v", b, err)
	}
	var ue usageError
	if err := runRoot("review", path, "--id", "1", "--status", "waived"); !errors.As(err, &ue) {
		t.Errorf("waive without comment: %v, want a usage error", err)
	}
	out.Reset()
	if err := runRoot("review", path, "--id", "1", "--status", "waived", "--comment", "批准 approved", "--reviewer", "li"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "patch 1 waived by li") {
		t.Errorf("review output %q", out.String())
	}
	if err := runRoot("check", path, "--rule", "NO-SUCH"); !errors.As(err, &ue) {
		t.Errorf("unknown rule: %v, want a usage error", err)
	}
}
