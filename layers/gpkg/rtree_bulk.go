package gpkg

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// ErrRTreeNotEmpty is returned by BulkRTree for an R-tree holding rows.
var ErrRTreeNotEmpty = errors.New("gpkg: R-tree not empty")

// RTreeEntry is one row of a spatial index: a row's primary key and box.
// A plain value.
type RTreeEntry struct {
	ID    int64
	Bound orb.Bound
}

// rtreeCell is the size of a cell of a 2D R-tree node: the id and four
// float32 coordinates (minx, maxx, miny, maxy).
const rtreeCell = 8 + 4*4

// BulkRTree fills the empty R-tree of table.col in tx with entries (distinct
// ids) by writing its shadow tables (_node, _rowid, _parent) the way
// SQLite's rtree module lays them out: a tree packed by
// Sort-Tile-Recursive, nodes of the size of the root's blob holding
// big-endian cells of the id and the box rounded outwards to float32, the
// tree's depth in the root. Inserting the rows one at a time through the
// virtual table costs several times more (a descent, a choice of leaf and
// splits per row). The R-tree is left as if its rows had been inserted:
// later writes through the virtual table or the triggers maintain it.
func BulkRTree(ctx context.Context, tx *sql.Tx, table, col string, entries []RTreeEntry) error {
	size, err := RTreeNodeSize(ctx, tx, table, col)
	if err != nil {
		return err
	}
	p, err := PackRTree(table, col, size, entries)
	if err != nil {
		return err
	}
	return p.Write(ctx, tx)
}

// An RTreePack is BulkRTree's tree, packed (PackRTree) and ready to be
// written (Write). Packing needs no database, so a caller can pack in a
// goroutine of its own while its transaction does other work. A plain
// value once made; Write may be called once.
type RTreePack struct {
	rt     string      // the R-tree's name
	size   int         // of a node's blob
	levels [][][]rcell // leaves first (packRTree)
	num    [][]int64   // node numbers (numberNodes)
	rowids [][2]int64  // (row, leaf) in row order
	parent [][2]int64  // (node, parent) in node order
}

// RTreeNodeSize is the size of the node blobs of table.col's R-tree: its
// root's, which SQLite sized from the page when it made the table.
func RTreeNodeSize(ctx context.Context, tx *sql.Tx, table, col string) (int, error) {
	rt := RTreeName(table, col)
	var size int
	if err := tx.QueryRowContext(ctx, "SELECT length(data) FROM "+QuoteIdent(rt+"_node")+" WHERE nodeno = 1").Scan(&size); err != nil {
		return 0, fmt.Errorf("gpkg: %s: root node: %w", rt, err)
	}
	return size, nil
}

// PackRTree packs entries (distinct ids) for the R-tree of table.col whose
// nodes are size bytes (RTreeNodeSize).
func PackRTree(table, col string, size int, entries []RTreeEntry) (*RTreePack, error) {
	p := &RTreePack{rt: RTreeName(table, col), size: size}
	per := (size - 4) / rtreeCell
	if per < 2 {
		return nil, fmt.Errorf("gpkg: %s: root node of %d bytes", p.rt, size)
	}
	if len(entries) == 0 {
		return p, nil
	}
	p.levels = packRTree(entries, per)
	p.num = numberNodes(p.levels)
	for i, cs := range p.levels[0] {
		for _, c := range cs {
			p.rowids = append(p.rowids, [2]int64{c.id, p.num[0][i]})
		}
	}
	for l := 1; l < len(p.levels); l++ {
		for i, cs := range p.levels[l] {
			for _, c := range cs {
				p.parent = append(p.parent, [2]int64{p.num[l-1][c.id], p.num[l][i]})
			}
		}
	}
	byKey := func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) }
	slices.SortFunc(p.rowids, byKey)
	slices.SortFunc(p.parent, byKey)
	return p, nil
}

// Write fills the R-tree, which must be empty (ErrRTreeNotEmpty) and have
// nodes of the size packed for, in tx.
func (p *RTreePack) Write(ctx context.Context, tx *sql.Tx) error {
	if err := p.write(ctx, tx); err != nil {
		return fmt.Errorf("gpkg: %s: %w", p.rt, err)
	}
	return nil
}

func (p *RTreePack) write(ctx context.Context, tx *sql.Tx) error {
	var size, rows int
	if err := tx.QueryRowContext(ctx, "SELECT length(data) FROM "+QuoteIdent(p.rt+"_node")+" WHERE nodeno = 1").Scan(&size); err != nil {
		return fmt.Errorf("root node: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+QuoteIdent(p.rt+"_rowid")).Scan(&rows); err != nil {
		return err
	}
	if rows > 0 {
		return ErrRTreeNotEmpty
	}
	if size != p.size {
		return fmt.Errorf("root node of %d bytes, packed for %d", size, p.size)
	}
	if len(p.levels) == 0 {
		return nil
	}
	if err := writeNodes(ctx, tx, p.rt, p.levels, p.num, p.size); err != nil {
		return err
	}
	if err := insertPairs(ctx, tx, QuoteIdent(p.rt+"_parent")+" (nodeno, parentnode)", p.parent); err != nil {
		return err
	}
	return insertPairs(ctx, tx, QuoteIdent(p.rt+"_rowid")+" (rowid, nodeno)", p.rowids)
}

// rcell is a cell of a node: a row id (leaf) or a child's index in the
// level below, and its box (minx, maxx, miny, maxy).
type rcell struct {
	id  int64
	box [4]float32
}

// packRTree packs entries into leaves of per cells, and the leaves'
// boxes into nodes above, until one node is left: levels[0] are the
// leaves, the last level the root.
func packRTree(entries []RTreeEntry, per int) [][][]rcell {
	cells := make([]rcell, len(entries))
	for i, e := range entries {
		cells[i] = rcell{id: e.ID, box: [4]float32{down(e.Bound.Min[0]), up(e.Bound.Max[0]), down(e.Bound.Min[1]), up(e.Bound.Max[1])}}
	}
	var levels [][][]rcell
	for {
		nodes := strPack(cells, per)
		levels = append(levels, nodes)
		if len(nodes) == 1 {
			return levels
		}
		cells = make([]rcell, len(nodes))
		for i, n := range nodes {
			cells[i] = rcell{id: int64(i), box: cellsBox(n)}
		}
	}
}

// strPack groups cells per to a node by Sort-Tile-Recursive: vertical
// slabs by x centre, each cut into nodes by y centre.
func strPack(cells []rcell, per int) [][]rcell {
	nodes := (len(cells) + per - 1) / per
	slabs := int(math.Ceil(math.Sqrt(float64(nodes))))
	slab := ((nodes + slabs - 1) / slabs) * per
	centre := func(c *rcell, k int) float32 { return c.box[k]/2 + c.box[k+1]/2 }
	slices.SortFunc(cells, func(a, b rcell) int { return cmp.Compare(centre(&a, 0), centre(&b, 0)) })
	out := make([][]rcell, 0, nodes)
	for lo := 0; lo < len(cells); lo += slab {
		s := cells[lo:min(lo+slab, len(cells))]
		slices.SortFunc(s, func(a, b rcell) int { return cmp.Compare(centre(&a, 2), centre(&b, 2)) })
		for i := 0; i < len(s); i += per {
			out = append(out, s[i:min(i+per, len(s))])
		}
	}
	return out
}

func cellsBox(cs []rcell) [4]float32 {
	b := cs[0].box
	for _, c := range cs[1:] {
		b[0], b[1], b[2], b[3] = min(b[0], c.box[0]), max(b[1], c.box[1]), min(b[2], c.box[2]), max(b[3], c.box[3])
	}
	return b
}

// numberNodes gives the root node number 1 and the others 2, 3, ... from
// the top level down: num[level][i] is node i's of that level.
func numberNodes(levels [][][]rcell) [][]int64 {
	num := make([][]int64, len(levels))
	next := int64(1)
	for l := len(levels) - 1; l >= 0; l-- {
		num[l] = make([]int64, len(levels[l]))
		for i := range levels[l] {
			num[l][i] = next
			next++
		}
	}
	return num
}

// writeNodes writes every node's blob of size bytes (the root replacing
// the empty one).
func writeNodes(ctx context.Context, tx *sql.Tx, rt string, levels [][][]rcell, num [][]int64, size int) error {
	st, err := tx.PrepareContext(ctx, "INSERT OR REPLACE INTO "+QuoteIdent(rt+"_node")+" (nodeno, data) VALUES (?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	buf := make([]byte, size)
	for l, nodes := range levels {
		for i, cs := range nodes {
			clear(buf)
			if num[l][i] == 1 {
				binary.BigEndian.PutUint16(buf, uint16(len(levels)-1)) // depth
			}
			binary.BigEndian.PutUint16(buf[2:], uint16(len(cs)))
			for j, c := range cs {
				id := c.id
				if l > 0 {
					id = num[l-1][c.id]
				}
				p := buf[4+j*rtreeCell:]
				binary.BigEndian.PutUint64(p, uint64(id))
				for k, v := range c.box {
					binary.BigEndian.PutUint32(p[8+4*k:], math.Float32bits(v))
				}
			}
			if _, err := st.ExecContext(ctx, num[l][i], buf); err != nil {
				return fmt.Errorf("node %d: %w", num[l][i], err)
			}
		}
	}
	return nil
}

// pairRows is the rows per INSERT of insertPairs.
const pairRows = 256

// insertPairs inserts integer pairs, in key order so the table's B-tree
// is appended to, into target ("table (a, b)"). A statement runs as a query
// (mattn's driver binds a query's values and steps it in one cgo crossing)
// and as INSERT OR FAIL, which needs no statement journal: a failure
// fails the caller's transaction.
func insertPairs(ctx context.Context, tx *sql.Tx, target string, pairs [][2]int64) error {
	head := "INSERT OR FAIL INTO " + target + " VALUES "
	full, err := tx.PrepareContext(ctx, head+pairValues(pairRows))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 2*pairRows)
	for lo := 0; lo < len(pairs); lo += pairRows {
		hi := min(lo+pairRows, len(pairs))
		args = args[:0]
		for _, p := range pairs[lo:hi] {
			args = append(args, p[0], p[1])
		}
		var rows *sql.Rows
		if hi-lo == pairRows {
			rows, err = full.QueryContext(ctx, args...)
		} else {
			rows, err = tx.QueryContext(ctx, head+pairValues(hi-lo), args...)
		}
		if err == nil {
			err = rows.Close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func pairValues(n int) string {
	b := make([]byte, 0, 6*n)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "(?,?)"...)
	}
	return string(b)
}

// down and up round a coordinate to a float32 at or below, at or above
// it, as the rtree module does so a box never shrinks.
func down(d float64) float32 {
	f := float32(d)
	if float64(f) > d {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up(d float64) float32 {
	f := float32(d)
	if float64(f) < d {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}
