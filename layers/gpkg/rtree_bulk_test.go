package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestBulkRTree packs R-trees of several sizes (a root leaf, two levels,
// three) and checks them against SQLite's rtree module: rtreecheck finds
// the shadow tables consistent, window queries return what a scan of the
// boxes does, and the tree takes inserts and deletes through the virtual
// table after (splits of the full packed nodes).
func TestBulkRTree(t *testing.T) {
	for _, n := range []int{1, 40, 51, 52, 3000, 60000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ctx := context.Background()
			db := rtreeDB(t)
			if _, err := db.Exec(`CREATE VIRTUAL TABLE rtree_t_geom USING rtree(id, minx, maxx, miny, maxy)`); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, uint64(n)))
			entries := make([]RTreeEntry, n)
			for i := range entries {
				x, y := 500000+r.Float64()*30000, 4600000+r.Float64()*30000
				entries[i] = RTreeEntry{ID: int64(3*i + 7), Bound: orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + r.Float64()*200, y + r.Float64()*200}}}
			}
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := BulkRTree(ctx, tx, "t", "geom", entries); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			checkRTree(t, db, entries)
			// Writes through the module after: inserts split the full nodes, deletes merge.
			for i := range 200 {
				e := RTreeEntry{ID: int64(1_000_000 + i), Bound: orb.Bound{Min: orb.Point{500000 + float64(i)*150, 4610000}, Max: orb.Point{500100 + float64(i)*150, 4610100}}}
				if _, err := db.Exec(`INSERT INTO rtree_t_geom VALUES (?,?,?,?,?)`, e.ID, e.Bound.Min[0], e.Bound.Max[0], e.Bound.Min[1], e.Bound.Max[1]); err != nil {
					t.Fatal(err)
				}
				entries = append(entries, e)
			}
			for i := 0; i < len(entries)/2; i += 2 {
				if _, err := db.Exec(`DELETE FROM rtree_t_geom WHERE id = ?`, entries[i].ID); err != nil {
					t.Fatal(err)
				}
				entries[i].ID = -1
			}
			entries = slices.DeleteFunc(entries, func(e RTreeEntry) bool { return e.ID < 0 })
			checkRTree(t, db, entries)
		})
	}
}

// checkRTree compares the R-tree with the entries it should hold.
func checkRTree(t *testing.T, db *sql.DB, entries []RTreeEntry) {
	t.Helper()
	var ok string
	if err := db.QueryRow(`SELECT rtreecheck('rtree_t_geom')`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("rtreecheck: %q, %v", ok, err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM rtree_t_geom`).Scan(&n); err != nil || n != len(entries) {
		t.Fatalf("%d rows (%v), want %d", n, err, len(entries))
	}
	windows := []orb.Bound{
		{Min: orb.Point{505000, 4605000}, Max: orb.Point{506000, 4606500}},
		{Min: orb.Point{500000, 4610000}, Max: orb.Point{530000, 4610050}},
		{Min: orb.Point{0, 0}, Max: orb.Point{1e7, 1e7}},
	}
	for _, w := range windows {
		// Boxes are kept as float32 rounded outwards (half a metre here):
		// those meeting the window must be found, those nearer than a metre may.
		want, may := map[int64]bool{}, map[int64]bool{}
		for _, e := range entries {
			if meets(e.Bound, w) {
				want[e.ID] = true
			} else if meets(e.Bound.Pad(1), w) {
				may[e.ID] = true
			}
		}
		rows, err := db.Query(`SELECT id FROM rtree_t_geom WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?`,
			w.Min[0], w.Max[0], w.Min[1], w.Max[1])
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		var wrong []int64 // missing, or negative: found but far from the window
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			got[id] = true
			if !want[id] && !may[id] {
				wrong = append(wrong, -id)
			}
		}
		rows.Close()
		for id := range want {
			if !got[id] {
				wrong = append(wrong, id)
			}
		}
		if len(wrong) > 0 {
			t.Fatalf("window %v: %d ids, want %d; wrong %v", w, len(got), len(want), wrong)
		}
	}
}

func meets(a, b orb.Bound) bool {
	return a.Max[0] >= b.Min[0] && a.Min[0] <= b.Max[0] && a.Max[1] >= b.Min[1] && a.Min[1] <= b.Max[1]
}

// rtreeDB is a new SQLite file on one connection, closed when t ends.
func rtreeDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open(DriverName, dsn(filepath.Join(t.TempDir(), "r.sqlite"), false, false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	return db
}

// TestBulkRTreeNotEmpty: a filled R-tree is refused.
func TestBulkRTreeNotEmpty(t *testing.T) {
	ctx := context.Background()
	db := rtreeDB(t)
	for _, q := range []string{`CREATE VIRTUAL TABLE rtree_t_geom USING rtree(id, minx, maxx, miny, maxy)`,
		`INSERT INTO rtree_t_geom VALUES (1, 0, 1, 0, 1)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	tx, _ := db.BeginTx(ctx, nil)
	defer tx.Rollback()
	err := BulkRTree(ctx, tx, "t", "geom", []RTreeEntry{{ID: 2, Bound: orb.Bound{Max: orb.Point{1, 1}}}})
	if !errors.Is(err, ErrRTreeNotEmpty) {
		t.Fatalf("got %v, want ErrRTreeNotEmpty", err)
	}
}
