package layers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

// pagesOf gives cs to FillRemote in pages of n.
func pagesOf(cs []RemoteChange, n int) func() ([]RemoteChange, error) {
	return func() ([]RemoteChange, error) {
		if len(cs) == 0 {
			return nil, io.EOF
		}
		p := cs[:min(n, len(cs))]
		cs = cs[len(p):]
		return p, nil
	}
}

// fillChanges are n new features with a class and a label, and a delete
// (stale).
func fillChanges(code, class, label string, n int) []RemoteChange {
	when := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	var cs []RemoteChange
	for i := range n {
		cs = append(cs, RemoteChange{Layer: code, UID: fmt.Sprintf("f-%05d", i), Version: int64(1 + i%7), User: "wang",
			Time: when.Add(time.Duration(i) * time.Second), Geom: square(float64(20*(i%50)), float64(20*(i/50))),
			Attrs: map[string]any{class: fmt.Sprint("c", i%3), label: fmt.Sprint("标", i)}})
	}
	cs = append(cs, RemoteChange{Layer: code, UID: "gone", Delete: true, Version: 4})
	return cs
}

// dumpLayer is every row of a table, its R-tree and its gpkg_contents
// extent, as text.
func dumpLayer(t *testing.T, bp *Blueprint, l *Layer) []string {
	t.Helper()
	rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
	var out []string
	for _, q := range []string{
		"SELECT * FROM " + gpkg.QuoteIdent(l.Table) + " ORDER BY fid",
		"SELECT * FROM " + rt + " ORDER BY id",
		"SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = '" + l.Table + "'",
	} {
		rows, err := bp.DB().R.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			if err := rows.Scan(p...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(v...))
		}
		rows.Close()
	}
	return out
}

// TestFillRemote: a fill writes what ApplyRemote writes from the same
// changes (rows, system columns, R-tree, extent, cursor, the in-memory
// index), the file passes GDAL's GeoPackage validation, and the R-tree
// triggers are back afterwards.
func TestFillRemote(t *testing.T) {
	poly, _ := testLayers(t)
	ctx := context.Background()
	cs := fillChanges(poly.Code, poly.ClassField, poly.LabelField, 700)
	filled, path := newTestBlueprint(t)
	res, err := filled.FillRemote(ctx, RemoteFill{Remote: "hub", Collection: poly.Table, Layer: poly.Code, Cursor: "c-9"}, pagesOf(cs, 64))
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 700 || res.Stale != 1 {
		t.Errorf("fill: %+v, want 700 applied, 1 stale", res)
	}
	applied, _ := newTestBlueprint(t)
	if _, err := applied.ApplyRemote(ctx, RemoteBatch{Remote: "hub", Collection: poly.Table, Cursor: "c-9", Changes: cs}); err != nil {
		t.Fatal(err)
	}
	l, la := filled.Layer(poly.Code), applied.Layer(poly.Code)
	got, want := dumpLayer(t, filled, l), dumpLayer(t, applied, la)
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("fill and ApplyRemote differ (%d and %d rows), first at %d:\n fill  %s\n apply %s", len(got), len(want), i, got[i], want[i])
			}
		}
		t.Fatalf("fill wrote %d rows, ApplyRemote %d", len(got), len(want))
	}
	if c, _ := filled.Cursor(ctx, "hub", poly.Table); c != "c-9" {
		t.Errorf("cursor %q, want c-9", c)
	}
	box := orb.Bound{Min: orb.Point{199, 199}, Max: orb.Point{201, 201}}
	if l.Count() != 700 || len(l.Search(box)) != len(la.Search(box)) || l.Extent() != la.Extent() || filled.Extent() != applied.Extent() {
		t.Errorf("in-memory index: count %d, %d found, extent %v; ApplyRemote's %d, %v", l.Count(), len(l.Search(box)), l.Extent(), len(la.Search(box)), la.Extent())
	}
	// The triggers are back: an edit after the fill reaches the R-tree.
	if _, err := filled.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(9000, 9000)}); err != nil {
		t.Fatal(err)
	}
	var n int
	filled.DB().R.QueryRow("SELECT count(*) FROM " + gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn)) + " WHERE minx >= 8999").Scan(&n)
	if n != 1 {
		t.Errorf("an insert after the fill: %d R-tree rows, want 1", n)
	}
	filled.Close()
	peertest.ValidateGPKG(t, path)
}

// TestFillRemoteRefusesRows: a layer with a row is refused with
// ErrNotEmpty before next is called.
func TestFillRemoteRefusesRows(t *testing.T) {
	poly, _ := testLayers(t)
	ctx := context.Background()
	bp, _ := newTestBlueprint(t)
	if _, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(0, 0)}); err != nil {
		t.Fatal(err)
	}
	called := false
	_, err := bp.FillRemote(ctx, RemoteFill{Remote: "hub", Collection: poly.Table, Layer: poly.Code, Cursor: "c"}, func() ([]RemoteChange, error) {
		called = true
		return nil, io.EOF
	})
	if !errors.Is(err, ErrNotEmpty) || called {
		t.Fatalf("fill of a layer with a row: %v (next called: %v), want ErrNotEmpty", err, called)
	}
}

// TestFillRemoteAllOrNothing: a bad change, or an error from next, after
// many good ones leaves the layer empty, its R-tree empty with its
// triggers, and no cursor.
func TestFillRemoteAllOrNothing(t *testing.T) {
	poly, _ := testLayers(t)
	ctx := context.Background()
	boom := errors.New("decoder failed")
	for name, tail := range map[string]func() ([]RemoteChange, error){
		"unknown field": func() ([]RemoteChange, error) {
			return []RemoteChange{{Layer: poly.Code, UID: "bad", Version: 1, Geom: square(0, 0), Attrs: map[string]any{"nope": 1}}}, nil
		},
		"no geometry": func() ([]RemoteChange, error) { return []RemoteChange{{Layer: poly.Code, UID: "bad", Version: 1}}, nil },
		"uid twice": func() ([]RemoteChange, error) {
			return []RemoteChange{{Layer: poly.Code, UID: "f-00007", Version: 9, Geom: square(0, 0)}}, nil
		},
		"next fails": func() ([]RemoteChange, error) { return nil, boom },
	} {
		t.Run(name, func(t *testing.T) {
			bp, _ := newTestBlueprint(t)
			wantTriggers := 0
			if name == "next fails" { // a layer emptied again: it keeps its R-tree and triggers
				fs, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(0, 0)})
				if err == nil {
					_, err = bp.Apply(ctx, Edit{Op: OpDelete, Layer: poly.Code, UID: fs[0].UID})
				}
				if err != nil {
					t.Fatal(err)
				}
				wantTriggers = 6
			}
			good := pagesOf(fillChanges(poly.Code, poly.ClassField, poly.LabelField, 300), 100)
			next := func() ([]RemoteChange, error) {
				if cs, err := good(); err == nil {
					return cs, nil
				}
				return tail()
			}
			_, err := bp.FillRemote(ctx, RemoteFill{Remote: "hub", Collection: poly.Table, Layer: poly.Code, Cursor: "c"}, next)
			if err == nil || name == "next fails" && !errors.Is(err, boom) || name != "next fails" && !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("fill: %v", err)
			}
			l := bp.Layer(poly.Code)
			var rows, boxes, triggers int
			bp.DB().R.QueryRow("SELECT count(*) FROM " + gpkg.QuoteIdent(l.Table)).Scan(&rows)
			bp.DB().R.QueryRow("SELECT count(*) FROM " + gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))).Scan(&boxes)
			bp.DB().R.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", gpkg.RTreeName(l.Table, l.GeomColumn)+"_%").Scan(&triggers)
			// A layer never written has no R-tree yet; the fill's is rolled back.
			if c, _ := bp.Cursor(ctx, "hub", poly.Table); rows != 0 || boxes != 0 || triggers != wantTriggers || l.HasRTree != (wantTriggers > 0) || c != "" || l.Count() != 0 {
				t.Errorf("after a failed fill: %d rows, %d R-tree rows, %d triggers, cursor %q, %d indexed", rows, boxes, triggers, c, l.Count())
			}
		})
	}
}
