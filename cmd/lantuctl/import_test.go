package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"lantu/layers/outfile"
	"lantu/layers/peer/peertest"
)

// proposalTXT is the 50 x 50 m square inRed as an applicant's
// boundary-point file: X = northing, zone 41 on the easting, GBK.
const proposalTXT = `[属性描述]
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=41
[地块坐标]
5,0.25,1,某园区项目,面,,工业用地,1001,@
J1,1,4600025,41500025
J2,1,4600025,41500075
J3,1,4600075,41500075
J4,1,4600075,41500025
J1,1,4600025,41500025
`

// TestImportTXTSiting: a boundary-point TXT imports as a GL_XZFA proposal
// (journaled) on which lantuctl siting runs.
func TestImportTXTSiting(t *testing.T) {
	path := conflictFixture(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(proposalTXT)
	if err != nil {
		t.Fatal(err)
	}
	txt := filepath.Join(t.TempDir(), "红线.txt")
	if err := os.WriteFile(txt, []byte(gbk), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runFresh(t, importFileCmd, path, txt, "--layer", "GL_XZFA", "--encoding", "GBK", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Imported int      `json:"imported"`
		Journal  bool     `json:"journaled"`
		UIDs     []string `json:"uids"`
		CRS      string   `json:"crs"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Imported != 1 || !rep.Journal || len(rep.UIDs) != 1 || !strings.HasPrefix(rep.CRS, "EPSG:4529") {
		t.Fatalf("import --json %v:\n%s", err, out)
	}
	out, err = runFresh(t, sitingCmd, path, "--uid", rep.UIDs[0], "--json")
	if err != nil {
		t.Fatal(err)
	}
	var site struct {
		Project string  `json:"project"`
		AreaM2  float64 `json:"area_m2"`
		Verdict string  `json:"verdict"`
		Layers  map[string]struct {
			AreaM2 float64 `json:"area_m2"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(out), &site); err != nil {
		t.Fatalf("siting --json: %v\n%s", err, out)
	}
	if site.Project != "某园区项目" || math.Abs(site.AreaM2-2500) > 1e-6 || site.Verdict != "non_compliant" ||
		math.Abs(site.Layers["GH_STBHHX"].AreaM2-2500) > 1e-6 || math.Abs(site.Layers["GH_YJJBNT"].AreaM2-1250) > 1e-6 {
		t.Errorf("siting: %+v", site)
	}
}

// TestImportExportCommands: a GBK Shapefile from ogr2ogr goes in with
// --as and out with export --encoding GBK; ogrinfo reads the same names;
// the summary names repairs; --force is needed to replace; bad usage is
// exit code 2.
func TestImportExportCommands(t *testing.T) {
	ogr2ogr, ogrinfo := peertest.Tool(t, "ogr2ogr"), peertest.Tool(t, "ogrinfo")
	dir := t.TempDir()
	shp := filepath.Join(dir, "cities.shp")
	src := filepath.Join("..", "..", "layers", "gpkg", "testdata", "vector", "liaoning_cities_echarts.geojson")
	if out, err := exec.Command(ogr2ogr, "-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-select", "name", shp, src).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	path := conflictFixture(t)
	out, err := runFresh(t, importFileCmd, path, shp, "--as", "辽宁城市")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "14 of 14 features imported into new layer 辽宁城市") || !strings.Contains(out, "record 1: Ring Self-intersection") {
		t.Errorf("import summary:\n%s", out)
	}
	exp := filepath.Join(dir, "out.shp")
	if out, err = runFresh(t, exportCmd, path, "--layer", "辽宁城市", "--out", exp, "--encoding", "GBK"); err != nil || !strings.Contains(out, "field name -> name") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	info, err := exec.Command(ogrinfo, "-ro", "-al", "-geom=NO", exp).Output()
	if err != nil || strings.Count(string(info), "OGRFeature(") != 14 || !strings.Contains(string(info), "name (String) = 沈阳市") {
		t.Errorf("ogrinfo on the export: %v\n%s", err, info)
	}
	if _, err := runFresh(t, exportCmd, path, "--layer", "辽宁城市", "--out", exp); !errors.Is(err, outfile.ErrExists) {
		t.Errorf("export over an existing file without --force: %v", err)
	}
	if _, err := runFresh(t, exportCmd, path, "--layer", "辽宁城市", "--out", exp, "--force", "--format", "shp"); err != nil {
		t.Errorf("export --force: %v", err)
	}
	var ue usageError
	for _, args := range [][]string{
		{"import", path, shp},
		{"import", path, shp, "--layer", "GL_XZFA", "--as", "x"},
		{"import", path, shp, "--as", "x", "--s-srs", "WGS84"},
		{"import", path, shp, "--layer", "GL_XZFA", "--map", "name"},
		{"export", path, "--layer", "GL_XZFA"},
		{"export", path, "--layer", "GL_XZFA", "--out", exp, "--crs", "x"},
	} {
		mk := importFileCmd
		if args[0] == "export" {
			mk = exportCmd
		}
		if _, err := runFresh(t, mk, args[1:]...); !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}
