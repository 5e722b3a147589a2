package transfer

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"lantu/layers"
)

// TestImportGBKShapefile: a GBK Shapefile of Liaoning's cities made by
// ogr2ogr -lco ENCODING=GBK imports with the Chinese names and the areas
// GDAL (SpatiaLite ST_Area(ST_MakeValid)) gives, the invalid ones repaired
// and named; its export as a GBK Shapefile reads in ogrinfo with the same
// count, fields and names.
func TestImportGBKShapefile(t *testing.T) {
	dir := t.TempDir()
	shp := filepath.Join(dir, "districts.shp")
	ogr2ogr(t, "-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-t_srs", "EPSG:4550", "-select", "id,name,childNum", shp, citiesJSON)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("沈阳市")
	if !bytes.Contains([]byte(fileText(t, filepath.Join(dir, "districts.dbf"))), []byte(gbk)) {
		t.Fatal("the fixture's .dbf does not hold 沈阳市 in GBK")
	}
	ref := map[string]map[string]string{}
	for _, r := range ogrSQL(t, shp, "SELECT name, id, childNum, ST_IsValid(geometry) AS valid, ST_Area(ST_MakeValid(geometry)) AS area FROM districts") {
		ref[r["name"]] = r
	}
	n, gdalFields := ogrSummary(t, shp)
	if n != 14 || len(ref) != 14 {
		t.Fatalf("ogrinfo: %d features, %d names", n, len(ref))
	}
	bp := newBlueprint(t)
	src := readSource(t, shp, ReadOptions{})
	if src.Encoding != "GBK" {
		t.Errorf("encoding %q, want GBK from the .cpg", src.Encoding)
	}
	rep, err := Import(context.Background(), bp, src, ImportOptions{As: "districts"})
	if err != nil {
		t.Fatal(err)
	}
	invalid := 0
	for _, r := range ref {
		if r["valid"] == "0" {
			invalid++
		}
	}
	if rep.Imported != 14 || len(rep.Refused) != 0 || len(rep.Repaired) != invalid || invalid == 0 {
		t.Fatalf("imported %d, refused %v, repaired %d (GDAL: %d invalid)", rep.Imported, rep.Refused, len(rep.Repaired), invalid)
	}
	for _, r := range rep.Repaired {
		if !strings.HasPrefix(r.Feature, "record ") || r.Reason == "" {
			t.Errorf("repair note %+v does not name the record and reason", r)
		}
	}
	l := bp.Layer("districts")
	var cols []string
	for _, f := range targetFields(l) {
		cols = append(cols, f.Name)
	}
	if !slices.Equal(cols, gdalFields) {
		t.Errorf("fields %v, ogrinfo %v", cols, gdalFields)
	}
	worst := 0.0
	for _, f := range features(t, bp, "districts") {
		name, _ := f.Attrs["name"].(string)
		r, ok := ref[name]
		if !ok {
			t.Errorf("name %q is not one of GDAL's", name)
			continue
		}
		want := num(t, r["area"])
		rel := math.Abs(geosArea(t, f.Geom)-want) / want
		worst = max(worst, rel)
		if rel > 1e-9 {
			t.Errorf("%s: area %v, GDAL %v", name, geosArea(t, f.Geom), want)
		}
		if f.Attrs["id"] != r["id"] || f.Attrs["childNum"] != int64(num(t, r["childNum"])) {
			t.Errorf("%s: attributes %v, GDAL %v", name, f.Attrs, r)
		}
	}
	t.Logf("worst relative area difference to GDAL: %.3g", worst)

	checkGBKExport(t, bp, dir, ref, gdalFields)
}

// checkGBKExport exports the districts as a GBK Shapefile and reads it
// with ogrinfo: count, fields, names and areas.
func checkGBKExport(t *testing.T, bp *layers.Blueprint, dir string, ref map[string]map[string]string, gdalFields []string) {
	out := filepath.Join(dir, "out", "区县.shp")
	os.Mkdir(filepath.Dir(out), 0o755)
	erep, err := Export(context.Background(), bp, out, ExportOptions{Layer: "districts", Encoding: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	if erep.Features != 14 || erep.FieldNames["childNum"] != "childNum" {
		t.Errorf("export report %+v", erep)
	}
	if cpg := fileText(t, strings.TrimSuffix(out, ".shp")+".cpg"); !strings.Contains(strings.ToUpper(cpg), "GBK") && !strings.Contains(cpg, "936") {
		t.Errorf(".cpg = %q", cpg)
	}
	n2, fields2 := ogrSummary(t, out)
	if n2 != 14 || !slices.Equal(fields2, gdalFields) {
		t.Errorf("ogrinfo on the export: %d features, fields %v", n2, fields2)
	}
	back := ogrSQL(t, out, "SELECT name, ST_Area(geometry) AS area FROM \"区县\"")
	for _, r := range back {
		if want, ok := ref[r["name"]]; !ok {
			t.Errorf("exported name %q not in the source", r["name"])
		} else if rel := math.Abs(num(t, r["area"])-num(t, want["area"])) / num(t, want["area"]); rel > 1e-9 {
			t.Errorf("%s: exported area %s, source %s", r["name"], r["area"], want["area"])
		}
	}
	if len(back) != 14 {
		t.Errorf("ogrinfo read %d exported rows", len(back))
	}
}
