package conflict

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"lantu/layers/gpkg"
)

func testPatches(t *testing.T) []Patch {
	sq := mustGeom(t, square(0, 0, 10, 10)).(orb.Polygon)
	return []Patch{
		{ID: 1, RuleID: "CL-RED-FARM", Kind: KindExclusive, Severity: "high", A: Ref{Layer: "gh_stbhhx", FID: 3, UID: "u3"},
			B: Ref{Layer: "gh_yjjbnt", FID: 4, UID: "u4"}, Area: 100, Perimeter: 40, Geom: orb.MultiPolygon{sq}, SRID: 4550,
			Status: StatusWaived, Comment: "经批准 approved"},
		{ID: 2, RuleID: "IN-PERMIT-UDB", Kind: KindWithin, A: Ref{Layer: "gl_ydghxk", FID: 1}, Area: 100, Perimeter: 40,
			Geom: orb.MultiPolygon{sq}, SRID: 4550, Status: StatusOpen},
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ps := testPatches(t)
	for _, ext := range []string{".json", ".csv", ".xlsx", ".gpkg"} {
		path := filepath.Join(dir, "out"+ext)
		if err := Export(ctx, ps, path); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if n := countExported(t, path, ext); n != len(ps) {
			t.Errorf("%s: %d patches read back, want %d", ext, n, len(ps))
		}
	}
	if err := Export(ctx, ps, filepath.Join(dir, "out.shp")); !errors.Is(err, ErrExport) {
		t.Errorf(".shp: %v", err)
	}
}

func countExported(t *testing.T, path, ext string) int {
	switch ext {
	case ".json":
		var list []map[string]any
		b, _ := os.ReadFile(path)
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatal(err)
		}
		return len(list)
	case ".csv":
		f, _ := os.Open(path)
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil || recs[1][len(recs[1])-1] != "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)))" {
			t.Fatalf("csv: %v %v", recs, err)
		}
		return len(recs) - 1
	case ".xlsx":
		x, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows("冲突图斑")
		if rows[0][0] != "编号" {
			t.Errorf("xlsx header %v", rows[0])
		}
		return len(rows) - 1
	}
	db, err := gpkg.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if probs := db.Check(context.Background()); len(probs) > 0 {
		t.Errorf("gpkg check: %+v", probs)
	}
	got, err := loadPatches(context.Background(), db, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Status != StatusWaived || got[0].Area != 100 || got[0].SRID != 4550 {
		t.Errorf("gpkg read back %+v", got[0])
	}
	return len(got)
}

// The XLSX export names what it codes (rule name, 高, 已豁免, 浑南区) in
// columns beside the codes, and formats numbers as plain numbers: ids as
// "0", areas as "0.00", never with thousands separators.
func TestExportXLSXNamesAndFormats(t *testing.T) {
	ps := testPatches(t)
	ps[0].District, ps[0].Area, ps[0].Reviewer = "210112", 12345.678, "王工"
	path := filepath.Join(t.TempDir(), "named.xlsx")
	names := ExportNames{Districts: map[string]string{"210112": "浑南区"}}
	if err := ExportNamed(context.Background(), ps, path, names); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("冲突图斑") // formatted values, as a reader sees them
	if err != nil {
		t.Fatal(err)
	}
	cell := map[string]string{}
	for c, h := range rows[0] {
		if c < len(rows[1]) {
			cell[h] = rows[1][c]
		}
	}
	rs, _ := DefaultRules()
	var rule string
	for _, r := range rs.Rules {
		if r.ID == "CL-RED-FARM" {
			rule = r.NameZh
		}
	}
	want := map[string]string{"规则": "CL-RED-FARM", "规则名称": rule, "严重程度": "high", "严重程度名称": "高",
		"状态": "waived", "状态名称": "已豁免", "行政区代码": "210112", "行政区": "浑南区", "审核人": "王工",
		"面积(平方米)": "12345.68", "编号": "1", "要素A": "3"}
	for h, v := range want {
		if cell[h] != v || v == "" {
			t.Errorf("column %s: %q, want %q", h, cell[h], v)
		}
	}
}
