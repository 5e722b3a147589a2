package layers

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// BoxOptions tune ReadBox. A value: safe for concurrent use.
type BoxOptions struct {
	// Workers is how many fid ranges of a big table are read at once; 0
	// or 1 reads it in one pass.
	Workers int
}

// ReadBox reads from the file the features of l whose bounding boxes meet
// box, without the in-memory index: it asks the GeoPackage's R-tree
// (rtree_<table>_<geom>) for their ids and decodes only those blobs, with
// the decoder the index is built with, into a Snapshot of their own. A
// layer without an R-tree table (l.HasRTree false) is scanned whole and
// its features outside box dropped. The Snapshot holds the features in the
// order Layer.Read's would search them, so a frame drawn from it equals one
// drawn from the index; it is the caller's, never changes and is safe for
// concurrent reads, but it has only the features meeting box, and no
// feature without geometry.
//
// A geometry that cannot be decoded leaves its feature out and is returned
// as a BadGeometry problem naming the table and fid; an error is a table
// that cannot be read (or ctx ending), naming the file and table.
// ReadBox is safe for concurrent use.
func (b *Blueprint) ReadBox(ctx context.Context, l *Layer, box orb.Bound, opt BoxOptions) (*Snapshot, []Problem, error) {
	origin := l.originHint()
	parts, err := l.boxParts(ctx, b.db.R, max(opt.Workers, 1))
	if err != nil {
		return nil, nil, fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
	}
	maxPts := 0 // a part holds no more points than the file has room for
	if st, err := os.Stat(b.path); err == nil {
		maxPts = int(min(st.Size()/16, math.MaxInt32))
	}
	flats := make([]*flat, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			flats[i], errs[i] = l.readBox(ctx, b.db.R, origin, box, p, maxPts)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
		}
	}
	f := flats[0]
	for _, o := range flats[1:] {
		f.merge(o)
	}
	f.indexFids()
	f.buildTreeIn(l.hilbertFrame(f.origin))
	return &Snapshot{f: f}, f.takeProblems(l.Table), nil
}

// fidRange is one part of a ReadBox: fids lo..hi, and the span of fids it
// is expected to hold (0 when unknown), which sizes its coordinates up
// front.
type fidRange struct{ lo, hi, rows int64 }

// boxParts splits the fid span of a big table into n ranges; one range of
// every fid otherwise.
func (l *Layer) boxParts(ctx context.Context, db *sql.DB, n int) ([]fidRange, error) {
	whole := []fidRange{{lo: math.MinInt64, hi: math.MaxInt64}}
	if n < 2 || l.View || l.PK == "rowid" || l.originHint() == (orb.Point{}) {
		return whole, nil
	}
	var lo, hi sql.NullInt64
	pk := gpkg.QuoteIdent(l.PK)
	// Two queries: SQLite answers min or max alone from the key's b-tree,
	// both in one only by a scan of the table.
	t := gpkg.QuoteIdent(l.Table)
	if err := db.QueryRowContext(ctx, "SELECT min("+pk+") FROM "+t).Scan(&lo); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, "SELECT max("+pk+") FROM "+t).Scan(&hi); err != nil {
		return nil, err
	}
	if !lo.Valid || hi.Int64-lo.Int64 < splitRows {
		return whole, nil
	}
	out := make([]fidRange, n)
	span := (hi.Int64 - lo.Int64 + 1 + int64(n) - 1) / int64(n)
	for i := range out {
		out[i] = fidRange{lo.Int64 + int64(i)*span, lo.Int64 + int64(i+1)*span - 1, span}
	}
	out[0].lo, out[n-1].hi = math.MinInt64, math.MaxInt64
	return out, nil
}

// readBox decodes the rows of part p whose boxes meet box into a new flat:
// through the R-tree when the layer has one and box does not cover its
// extent, else by a scan that drops the features outside box and sizes
// its coordinates (to at most maxPts points) from its first rows.
func (l *Layer) readBox(ctx context.Context, db *sql.DB, origin orb.Point, box orb.Bound, p fidRange, maxPts int) (*flat, error) {
	pk, t := gpkg.QuoteIdent(l.PK), gpkg.QuoteIdent(l.Table)
	cols := fmt.Sprintf("t.%s, t.%s, %s, %s", pk, gpkg.QuoteIdent(l.GeomColumn),
		tColumn(l.classColumn()), tColumn(l.labelColumn()))
	var q string
	args := []any{p.lo, p.hi}
	scan := !l.HasRTree || coversExtent(box, l.Extent())
	if !scan {
		rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
		// CROSS JOIN keeps the R-tree the outer loop: SQLite walks it for
		// the box, then looks each row up by its primary key.
		q = "SELECT " + cols + " FROM " + rt + " AS r CROSS JOIN " + t + " AS t ON t." + pk + " = r.id" +
			" WHERE r.id BETWEEN ? AND ? AND r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?"
		args = append(args, box.Max[0], box.Min[0], box.Max[1], box.Min[1])
	} else {
		q = "SELECT " + cols + " FROM " + t + " AS t WHERE t." + pk + " BETWEEN ? AND ?"
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := newFlat(origin, l.labelColumn() != "")
	f.bulk, f.keyed = true, !l.View // a view's key may repeat
	var (
		fid          int64
		blob         sql.RawBytes
		class, label sql.NullString
	)
	for n := 0; rows.Next(); n++ {
		if err := rows.Scan(&fid, &blob, &class, &label); err != nil {
			return nil, err
		}
		if n == sampleRows && scan {
			f.reserve(p.morePoints(n, len(f.xy)/2, maxPts))
		}
		if err := appendBlob(f, fid, blob, nullString(class), nullString(label)); err != nil {
			f.bad = append(f.bad, Problem{Kind: BadGeometry, FID: fid, Err: err})
			continue
		}
		f.dropOutside(box)
	}
	return f, rows.Err()
}

// sampleRows is how many rows a scan reads before it sizes its
// coordinates for the rest of its part.
const sampleRows = 64

// morePoints estimates how many more points a scan of p holds after n rows
// gave pts points: the mean so far times the rows left, a tenth over, at
// most limit in all (an estimate too large only reserves address space the
// scan never touches; one too small grows as before).
func (p fidRange) morePoints(n, pts, limit int) int {
	if p.rows <= int64(n) || n == 0 {
		return 0
	}
	est := float64(pts) / float64(n) * float64(p.rows-int64(n)) * 1.1
	return int(min(est, float64(max(limit-pts, 0))))
}

// coversExtent reports whether box holds all of a layer's known extent:
// then every row is wanted, and a scan in key order costs less than the
// R-tree walk plus a key lookup per row. An unknown (empty) extent does
// not count; a stale one only costs speed, as the scan still drops the
// features outside box.
func coversExtent(box, extent orb.Bound) bool {
	if extent.IsEmpty() || extent == (orb.Bound{}) {
		return false
	}
	return box.Min[0] <= extent.Min[0] && box.Min[1] <= extent.Min[1] &&
		box.Max[0] >= extent.Max[0] && box.Max[1] >= extent.Max[1]
}

// tColumn is columnOrEmpty for a column of the table aliased t.
func tColumn(c string) string {
	if c == "" {
		return "NULL"
	}
	return "CAST(t." + gpkg.QuoteIdent(c) + " AS TEXT)"
}

// dropOutside removes the slot just appended when it has no geometry or
// its box misses box (a scan's rows, or an R-tree's float32 box rounded
// outwards).
func (f *flat) dropOutside(box orb.Bound) {
	i := len(f.fid) - 1
	b, o := f.box[i], f.origin
	if b[0] <= b[2] && o[0]+float64(b[0]) <= box.Max[0] && o[0]+float64(b[2]) >= box.Min[0] &&
		o[1]+float64(b[1]) <= box.Max[1] && o[1]+float64(b[3]) >= box.Min[1] {
		return
	}
	f.dropLast()
}

// dropLast removes the last slot of a bulk-loading flat.
func (f *flat) dropLast() {
	i := len(f.fid) - 1
	if !f.keyed {
		f.slotOf.del(f.fid[i])
	}
	f.truncate(int(f.featRing[i]), int(f.ringStart[f.featRing[i]]))
	f.featRing = f.featRing[:i+1]
	f.fid, f.box, f.dead, f.class = f.fid[:i], f.box[:i], f.dead[:i], f.class[:i]
	if f.label != nil {
		f.label = f.label[:i]
	}
	f.live--
}

// hilbertFrame is the box the layer's index lays its Hilbert curve over
// (its extent, relative to origin), so a ReadBox orders features as the
// index does; nil when the layer declares no extent.
func (l *Layer) hilbertFrame(origin orb.Point) *[4]float32 {
	e := l.Extent()
	if e == (orb.Bound{}) {
		return nil
	}
	return &[4]float32{float32(e.Min[0] - origin[0]), float32(e.Min[1] - origin[1]),
		float32(e.Max[0] - origin[0]), float32(e.Max[1] - origin[1])}
}
