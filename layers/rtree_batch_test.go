package layers

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// TestBigBatchKeepsTheRTree applies batches large enough that Apply writes
// the R-tree itself: afterwards the GeoPackage R-tree holds exactly the live
// features with their boxes, and its triggers are back.
func TestBigBatchKeepsTheRTree(t *testing.T) {
	poly, _ := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	sq := func(x, y, s float64) orb.Polygon {
		return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
	}
	var ins []Edit
	for i := range 2 * manualRTreeEdits {
		ins = append(ins, Edit{Op: OpInsert, Layer: poly.Code, Geom: sq(500000+float64(i)*100, 4600000, 50)})
	}
	fs, err := bp.Apply(ctx, ins...)
	if err != nil {
		t.Fatal(err)
	}
	var upd []Edit
	for i, f := range fs {
		switch {
		case i < manualRTreeEdits:
			upd = append(upd, Edit{Op: OpUpdate, Layer: poly.Code, UID: f.UID, Geom: sq(510000+float64(i)*100, 4610000, 20)})
		case i < manualRTreeEdits+10:
			upd = append(upd, Edit{Op: OpDelete, Layer: poly.Code, UID: f.UID})
		}
	}
	if _, err := bp.Apply(ctx, upd...); err != nil {
		t.Fatal(err)
	}
	l := bp.Layer(poly.Code)
	rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
	var n, bad int
	q := fmt.Sprintf(`SELECT count(*), coalesce(sum(abs(r.minx - ST_MinX(t.geom)) > 0.01 OR abs(r.maxy - ST_MaxY(t.geom)) > 0.01), 0)
		FROM %s t JOIN %s r ON r.id = t.fid`, gpkg.QuoteIdent(l.Table), rt)
	if err := bp.DB().R.QueryRow(q).Scan(&n, &bad); err != nil {
		t.Fatal(err)
	}
	var rows, triggers int
	bp.DB().R.QueryRow("SELECT count(*) FROM " + rt).Scan(&rows)
	bp.DB().R.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", gpkg.RTreeName(l.Table, l.GeomColumn)+"_%").Scan(&triggers)
	live := 2*manualRTreeEdits - 10
	if n != live || rows != live || bad != 0 || triggers != 6 {
		t.Fatalf("R-tree: %d rows (%d joined, %d wrong boxes), want %d; %d triggers, want 6", rows, n, bad, live, triggers)
	}
	// A small batch goes through the triggers again.
	if _, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: sq(520000, 4620000, 10)}); err != nil {
		t.Fatal(err)
	}
	bp.DB().R.QueryRow("SELECT count(*) FROM " + rt).Scan(&rows)
	if rows != live+1 {
		t.Fatalf("after a one-edit batch the R-tree has %d rows, want %d", rows, live+1)
	}
}
