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
