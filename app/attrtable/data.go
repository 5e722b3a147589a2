package attrtable

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"lantu/app/i18n"
	"lantu/layers"
)

// ErrNoLayer is returned by Load for a code the blueprint has no vector
// layer for.
var ErrNoLayer = errors.New("attrtable: no such vector layer")

// Column is one column of the table: the attribute it shows, its header in
// the current language and whether it sorts as a number.
type Column struct {
	Name    string // the GeoPackage column name ("fid" for the feature id)
	Header  string
	Numeric bool
}

// Data is a layer's attribute rows, read once. It is immutable after Load
// returns, so any number of goroutines may read it (sorting and filtering
// run on workers).
type Data struct {
	Layer   string // catalog code
	Columns []Column
	FIDs    []int64
	text    [][]string  // per column, per row: the shown text ("" for NULL)
	nums    [][]float64 // per numeric column, per row (NaN for NULL); nil for text columns
	row     map[int64]int32
}

// Len is the number of rows.
func (d *Data) Len() int { return len(d.FIDs) }

// Text is the shown text of row r in column c ("" for NULL).
func (d *Data) Text(r, c int) string { return d.text[c][r] }

// Row is the row of fid, or -1.
func (d *Data) Row(fid int64) int {
	if r, ok := d.row[fid]; ok {
		return int(r)
	}
	return -1
}

// bookkeeping names Lantu's own columns, which the catalog leaves out.
var bookkeeping = map[string][2]string{
	"updated_at": {"更新时间", "Updated at"},
	"updated_by": {"更新人", "Updated by"},
}

// systemColumns are Lantu's bookkeeping columns, left out of the table as
// QGIS users never see them in a catalog layer's form.
var systemColumns = map[string]bool{"uid": true, "version": true}

// columnsOf lists the fid, then the catalog's fields in catalog order with
// their display names, then the table's other columns by name.
func columnsOf(l *layers.Layer) []Column {
	cols := []Column{{Name: "fid", Header: "fid", Numeric: true}}
	have := map[string]string{} // name -> GeoPackage type
	for _, c := range l.Columns {
		if c.Name != l.PK && c.Name != l.GeomColumn && !systemColumns[c.Name] {
			have[c.Name] = c.Type
		}
	}
	done := map[string]bool{}
	if l.Def != nil {
		for _, f := range l.Def.Fields {
			if t, ok := have[f.Name]; ok {
				cols = append(cols, Column{Name: f.Name, Header: i18n.Pick(f.NameZh, f.NameEn), Numeric: numericType(t)})
				done[f.Name] = true
			}
		}
	}
	var rest []string
	for name := range have {
		if !done[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		head := name
		if n, ok := bookkeeping[name]; ok {
			head = i18n.Pick(n[0], n[1])
		}
		cols = append(cols, Column{Name: name, Header: head, Numeric: numericType(have[name])})
	}
	return cols
}

func numericType(t string) bool {
	switch strings.ToUpper(t) {
	case "INTEGER", "INT", "SMALLINT", "MEDIUMINT", "TINYINT", "REAL", "FLOAT", "DOUBLE":
		return true
	}
	return false
}

// Load reads every row of a layer's attributes (no geometry) through
// Blueprint.Query. progress, if set, is called every 5,000 rows with the
// rows read so far. Run it off the UI goroutine.
func Load(ctx context.Context, bp *layers.Blueprint, code string, progress func(rows int)) (*Data, error) {
	l := bp.Layer(code)
	if l == nil {
		return nil, fmt.Errorf("%w: %q in %s", ErrNoLayer, code, bp.Path())
	}
	d := &Data{Layer: l.Code, Columns: columnsOf(l), row: map[int64]int32{}}
	d.text = make([][]string, len(d.Columns))
	d.nums = make([][]float64, len(d.Columns))
	err := bp.Query(ctx, layers.Query{Layers: []string{l.Code}, NoGeom: true}, func(f *layers.Feature) error {
		d.add(f)
		if progress != nil && len(d.FIDs)%5000 == 0 {
			progress(len(d.FIDs))
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("attrtable: layer %s: %w", l.Code, err)
	}
	return d, nil
}

// add appends one feature's row.
func (d *Data) add(f *layers.Feature) {
	d.row[f.FID] = int32(len(d.FIDs))
	d.FIDs = append(d.FIDs, f.FID)
	for c, col := range d.Columns {
		var v any = f.FID
		if c > 0 {
			v = f.Attrs[col.Name]
		}
		d.text[c] = append(d.text[c], cellText(v))
		if col.Numeric {
			d.nums[c] = append(d.nums[c], number(v))
		}
	}
}

// cellText is how a value is shown: "" for NULL, numbers without trailing
// zeros.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case []byte:
		return string(v)
	case string:
		return v
	case time.Time:
		return v.UTC().Format("2006-01-02 15:04:05")
	}
	return fmt.Sprint(v)
}

func number(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return f
		}
	}
	return math.NaN()
}

// Filter keeps the rows that contain Text (case-insensitive) in any column
// and, when Field is a column index (>= 0), whose Field equals Value (as a
// number in a numeric column, else as text after trimming spaces).
type Filter struct {
	Text  string
	Field int
	Value string
}

// NoFilter keeps every row.
var NoFilter = Filter{Field: -1}

// Order sorts by column Col (-1: by fid as read), descending when Desc.
// NULLs sort last either way, as in QGIS.
type Order struct {
	Col  int
	Desc bool
}

// View returns the rows (indices into d) that f keeps, in order o. It reads
// only d, so it may run on any goroutine; ctx stops a stale one early.
func View(ctx context.Context, d *Data, f Filter, o Order) ([]int32, error) {
	keep := d.filter(f)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	switch {
	case o.Col < 0 || o.Col >= len(d.Columns):
	case d.Columns[o.Col].Numeric:
		d.sortNumbers(keep, o)
	default:
		// compare breaks ties by row, so an unstable sort keeps equal
		// values in fid order (and pdqsort is twice a stable one here).
		slices.SortFunc(keep, d.compare(o))
	}
	return keep, ctx.Err()
}

func (d *Data) filter(f Filter) []int32 {
	text := strings.ToLower(strings.TrimSpace(f.Text))
	eq := d.equals(f)
	out := make([]int32, 0, d.Len())
	for r := range d.Len() {
		if eq != nil && !eq(r) {
			continue
		}
		if text == "" || d.contains(r, text) {
			out = append(out, int32(r))
		}
	}
	return out
}

// contains reports whether any cell of row r contains lower (lower case).
func (d *Data) contains(r int, lower string) bool {
	for c := range d.Columns {
		if containsFold(d.text[c][r], lower) {
			return true
		}
	}
	return false
}

// containsFold is strings.Contains(strings.ToLower(s), lower) without
// allocating for the ASCII and CJK text the blueprint holds.
func containsFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return strings.Contains(strings.ToLower(s), lower)
		}
	}
	return strings.Contains(s, lower)
}

// equals is the field = value test of f, or nil when f has none.
func (d *Data) equals(f Filter) func(r int) bool {
	if f.Field < 0 || f.Field >= len(d.Columns) {
		return nil
	}
	c, want := f.Field, strings.TrimSpace(f.Value)
	if d.Columns[c].Numeric {
		if n, err := strconv.ParseFloat(want, 64); err == nil {
			return func(r int) bool { return d.nums[c][r] == n }
		}
	}
	return func(r int) bool { return strings.TrimSpace(d.text[c][r]) == want }
}

// keyed is a row with its number, sorted together so that comparisons
// read neighbouring memory.
type keyed struct {
	k float64
	r int32
}

// sortNumbers orders rows by the numeric column o.Col, NULLs last, ties by
// row.
func (d *Data) sortNumbers(rows []int32, o Order) {
	ns := d.nums[o.Col]
	ks := make([]keyed, 0, len(rows))
	var nulls []int32
	for _, r := range rows {
		if math.IsNaN(ns[r]) {
			nulls = append(nulls, r)
		} else {
			ks = append(ks, keyed{ns[r], r})
		}
	}
	sign := 1
	if o.Desc {
		sign = -1
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmpOr(sign*cmp.Compare(a.k, b.k), a.r, b.r) })
	for i, k := range ks {
		rows[i] = k.r
	}
	copy(rows[len(ks):], nulls)
}

// compare orders rows by the text column o.Col, NULLs last, ties by row
// (so by fid).
func (d *Data) compare(o Order) func(a, b int32) int {
	c := o.Col
	sign := 1
	if o.Desc {
		sign = -1
	}
	ts := d.text[c]
	return func(a, b int32) int {
		x, y := ts[a], ts[b]
		if x == "" || y == "" {
			return nullsLast(x == "", y == "", a, b)
		}
		return cmpOr(sign*strings.Compare(x, y), a, b)
	}
}

func nullsLast(nx, ny bool, a, b int32) int {
	switch {
	case nx && ny:
		return cmp.Compare(a, b)
	case nx:
		return 1
	}
	return -1
}

func cmpOr(c int, a, b int32) int {
	if c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}
