package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers"
	"lantu/layers/conflict"
)

// runCheck runs a fresh `check` command with args; stdout and stderr go to
// the buffers.
func runCheck(t *testing.T, args ...string) (stdout, stderr *bytes.Buffer, err error) {
	t.Helper()
	cmd := checkCmd()
	stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.ExecuteContext(context.Background())
	return stdout, stderr, err
}

// TestCheckLayerOutsideCRS: a red-line layer declared EPSG:4326 over metre
// coordinates is one clear error naming the layer and the CRS, and the run
// ends with an error instead of "0 patches".
func TestCheckLayerOutsideCRS(t *testing.T) {
	path := conflictFixture(t)
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	table := bp.Layer("GH_STBHHX").Table
	bp.Close()
	execSQL(t, path, "UPDATE gpkg_geometry_columns SET srs_id = 4326 WHERE table_name = '"+table+"'",
		"UPDATE gpkg_contents SET srs_id = 4326 WHERE table_name = '"+table+"'")
	out, errOut, err := runCheck(t, path, "--rule", "CL-RED-FARM", "--json")
	if err == nil || !strings.Contains(err.Error(), "check incomplete: 1 rules skipped for 1 unusable layers") {
		t.Fatalf("err = %v, want the run to end incomplete\n%s", err, errOut.String())
	}
	var rep checkReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	r := rep.Rules["CL-RED-FARM"]
	if !r.Unusable || r.Skipped != conflict.SkipUnusable+" GH_STBHHX" {
		t.Errorf("rule %+v, want unusable naming GH_STBHHX", r)
	}
	layerLines := 0
	for _, l := range strings.Split(errOut.String(), "\n") {
		if strings.Contains(l, "layer "+table+":") && strings.Contains(l, "EPSG:4326") {
			layerLines++
		}
	}
	if layerLines != 1 || strings.Contains(errOut.String(), "Invalid Coordinate") {
		t.Errorf("want one line naming layer %s and EPSG:4326, got:\n%s", table, errOut.String())
	}
}

// TestCheckOwnRulesOnPlainGeoPackage: --rules replaces the default rules;
// on a GeoPackage that is not a blueprint, a rule naming an absent layer is
// skipped and listed, and the others run.
func TestCheckOwnRulesOnPlainGeoPackage(t *testing.T) {
	path := gdalFixture(t)
	rules := filepath.Join(t.TempDir(), "mine.toml")
	err := os.WriteFile(rules, []byte(`[[rule]]
id = "MINE-PARCELS-RINGS"
kind = "exclusive"
a = { layer = "parcels" }
b = { layer = "rings" }
[[rule]]
id = "MINE-ABSENT"
kind = "exclusive"
a = { layer = "parcels" }
b = { layer = "GH_STBHHX" }
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCheck(t, path, "--rules", rules, "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	var rep checkReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(rep.Order) != 2 {
		t.Fatalf("ran %v, want only the two rules of mine.toml", rep.Order)
	}
	if r := rep.Rules["MINE-ABSENT"]; !strings.HasPrefix(r.Skipped, conflict.SkipNoLayer) || !strings.Contains(r.Skipped, "GH_STBHHX") {
		t.Errorf("MINE-ABSENT: %+v, want skipped naming GH_STBHHX", r)
	}
	// parcels fid 1 meets the half-disc of rings fid 1, fid 3 the disc of
	// rings fid 2.
	if r := rep.Rules["MINE-PARCELS-RINGS"]; r.Skipped != "" || r.Patches != 2 {
		t.Errorf("MINE-PARCELS-RINGS: %+v, want 2 patches", r)
	}

	// An unreadable geometry in a layer the rules read: the rest is checked,
	// the feature is named, and the run ends incomplete.
	execSQL(t, path, "UPDATE parcels SET geom = "+badRings+" WHERE fid = 3")
	out, errOut, err = runCheck(t, path, "--rules", rules, "--json")
	if err == nil || !strings.Contains(err.Error(), "1 features could not be checked") ||
		!strings.Contains(errOut.String(), "parcels fid 3: geometry unreadable") {
		t.Fatalf("err = %v\n%s", err, errOut.String())
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Rules["MINE-PARCELS-RINGS"].Patches != 1 {
		t.Fatalf("after corrupting fid 3: %v %+v, want the 1 patch of fid 1", err, rep.Rules)
	}
}
