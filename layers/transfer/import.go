package transfer

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/catalog"
)

// ImportOptions say where a Source goes. Exactly one of Layer and As is
// set. A plain value, safe to share read-only.
type ImportOptions struct {
	Layer     string            // a catalog layer code (or table) to add the features to
	As        string            // a new imported layer of this name
	Map       map[string]string // source field -> target field (name or Chinese name)
	SRS       int               // EPSG code of the source, overriding what the file says
	BatchSize int               // features per Apply transaction into an editable layer; 0: 500
	// Progress is called with the features handled so far, from the calling goroutine.
	Progress func(done, total int)
}

// Note names one feature and what happened to it. A plain value.
type Note struct {
	Feature string `json:"feature"`
	Reason  string `json:"reason"`
}

// Report is what an import did. Every source feature is either counted in
// Imported or named in Refused; Repaired names the imported ones whose
// geometry GEOS repaired. A plain value the caller owns.
type Report struct {
	Source   string   `json:"source"`
	Format   string   `json:"format"`
	Layer    string   `json:"layer"`
	Created  bool     `json:"created"` // a new imported layer
	Journal  bool     `json:"journaled"`
	CRS      string   `json:"crs"`
	Encoding string   `json:"encoding"`
	Mapping  Mapping  `json:"mapping"`
	Read     int      `json:"read"`
	Imported int      `json:"imported"`
	Repaired []Note   `json:"repaired"`
	Refused  []Note   `json:"refused"`
	UIDs     []string `json:"uids"`
	Notes    []string `json:"notes,omitempty"`
}

// row is one feature ready to write.
type row struct {
	name  string
	geom  orb.Geometry
	attrs map[string]any
}

// Import writes src into the blueprint: reprojected from its CRS (or
// opt.SRS) to the blueprint's, each geometry repaired when invalid and
// made the layer's type, attributes mapped and converted. Features are read,
// converted and written one at a time, so a streamed Source (Open) is
// never held whole. Into an editable catalog layer the features go through
// Apply in batches of opt.BatchSize (journaled); into a base layer or a new
// imported layer through one Bulk load, which a failure rolls back whole. A
// feature that cannot go in is refused and named; an unknown CRS, an
// unknown layer or a bad mapping is an error before anything is written;
// a bad record met while reading stops the import naming it (what earlier
// Apply batches wrote is reported). An import --as that fails after
// creating its layer leaves the empty layer. Import may run beside readers
// of bp, but with As it adds a layer, so it must not run while other
// goroutines walk bp.Layers().
func Import(ctx context.Context, bp *layers.Blueprint, src *Source, opt ImportOptions) (*Report, error) {
	if (opt.Layer == "") == (opt.As == "") {
		return nil, fmt.Errorf("%w: give a catalog layer or a new layer name, not both or neither", ErrLayer)
	}
	rep := &Report{Source: src.Path, Format: src.Format, Encoding: src.Encoding, Notes: src.Notes,
		Repaired: []Note{}, Refused: []Note{}, UIDs: []string{}}
	pr, err := sourceProjectorCtx(ctx, src, opt.SRS, bp.SRID(), rep)
	if err != nil {
		return nil, err
	}
	target, kind, err := prepareTarget(ctx, bp, src, opt, rep)
	if err != nil {
		return nil, err
	}
	w, err := newRowWriter(ctx, bp, target, opt, rep)
	if err != nil {
		return rep, err
	}
	if err := pipe(ctx, src, newConverter(pr, target, kind, rep), w, opt.Progress); err != nil {
		return rep, w.fail(err)
	}
	if err := w.finish(); err != nil {
		return rep, err
	}
	return rep, nil
}

// converted is a batch of rows and how many source features were read
// when it was sent.
type converted struct {
	rows []row
	read int
}

// pipe reads and converts src on one goroutine while the calling one
// writes the rows through w (SQLite and GEOS work on two cores), in
// batches of 64 rows; progress is called from the calling goroutine. The
// converter's counts and notes are complete when pipe returns.
func pipe(ctx context.Context, src *Source, cv *converter, w *rowWriter, progress func(done, total int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan converted, 8)
	readErr := make(chan error, 1)
	go func() {
		defer close(ch)
		readErr <- convertAll(ctx, src, cv, ch)
	}()
	var werr error
	for b := range ch {
		for _, r := range b.rows {
			if werr == nil {
				werr = w.add(r)
			}
		}
		if werr != nil {
			cancel() // drain: the reader stops at its next feature
			continue
		}
		if progress != nil {
			progress(b.read, src.Len())
		}
	}
	rerr := <-readErr
	if werr != nil {
		return werr // the reader stopped because of it
	}
	return rerr
}

// convertAll reads every feature of src, converts it and sends the rows
// in batches.
func convertAll(ctx context.Context, src *Source, cv *converter, ch chan<- converted) error {
	const size = 64
	b := converted{rows: make([]row, 0, size)}
	send := func() error {
		select {
		case ch <- b:
			b = converted{rows: make([]row, 0, size)}
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := src.Each(ctx, func(f Feature) error {
		cv.rep.Read++
		if r, ok := cv.convert(f); ok {
			b.rows = append(b.rows, r)
		}
		if len(b.rows) == size {
			b.read = cv.rep.Read
			return send()
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.read = cv.rep.Read
	return send()
}

// sourceProjector picks the source CRS and checks the coordinates fit it.
func sourceProjector(src *Source, srs, to int, rep *Report) (projector, error) {
	return sourceProjectorCtx(context.Background(), src, srs, to, rep)
}

// sourceProjectorCtx is sourceProjector with a context for the pass that
// names a feature out of range.
func sourceProjectorCtx(ctx context.Context, src *Source, srs, to int, rep *Report) (projector, error) {
	if srs > 0 {
		src.CRS = CRS{EPSG: srs, From: "--s-srs"}
	}
	if !src.CRS.Known() {
		return nil, fmt.Errorf("%w: %s says nothing of its coordinate system; give it with --s-srs EPSG:N", ErrNoCRS, src.Path)
	}
	rep.CRS = fmt.Sprintf("%s -> EPSG:%d", src.CRS, to)
	if err := checkRange(ctx, src); err != nil {
		return nil, err
	}
	pr, err := newProjector(src.CRS, to)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %s: %v", ErrNoCRS, src.Path, src.CRS, err)
	}
	return pr, nil
}

// prepareTarget finds or creates the layer and maps the fields.
func prepareTarget(ctx context.Context, bp *layers.Blueprint, src *Source, opt ImportOptions, rep *Report) (*layers.Layer, string, error) {
	if opt.As != "" {
		if len(opt.Map) > 0 {
			return nil, "", fmt.Errorf("%w: --map applies to --layer, not to a new layer --as %s", ErrInput, opt.As)
		}
		fields, m := importedFields(src.Fields)
		gt := sourceGeomType(src)
		l, err := bp.CreateImportedLayer(ctx, opt.As, gt, fields)
		if err != nil {
			return nil, "", err
		}
		rep.Layer, rep.Created, rep.Mapping = l.Table, true, m
		return l, kindOfTable(gt), nil
	}
	l := bp.Layer(opt.Layer)
	if l == nil {
		return nil, "", fmt.Errorf("%w: %s has no layer %q", ErrLayer, bp.Path(), opt.Layer)
	}
	if !l.Editable() {
		return nil, "", fmt.Errorf("%w: layer %q in %s cannot be written (a view or a table without uid/version)", ErrLayer, l.Code, bp.Path())
	}
	m, err := mapFields(src.Fields, targetFields(l), opt.Map, l.Code)
	if err != nil {
		return nil, "", err
	}
	rep.Layer, rep.Mapping = l.Code, m
	return l, kindOfTable(l.GeomType), nil
}

// sourceGeomType is the GeoPackage type of a new layer holding src.
func sourceGeomType(src *Source) string {
	if src.stream != nil {
		return src.stream.geomType
	}
	k := geomKinds{}
	for _, f := range src.Features {
		k.add(f.Geom)
	}
	return k.geomType()
}

// geomKinds gathers the kinds of geometry a layer must hold.
type geomKinds map[string]bool

func (k geomKinds) add(g orb.Geometry) {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon, orb.Ring:
		k["MULTIPOLYGON"] = true
	case orb.LineString, orb.MultiLineString:
		k["MULTILINESTRING"] = true
	case orb.Point:
		k["POINT"] = true
	case orb.MultiPoint:
		k["MULTIPOINT"] = true
	case nil:
	default:
		k["GEOMETRY"] = true
	}
}

// geomType is the one kind, MULTIPOINT for points and multipoints, else
// GEOMETRY.
func (k geomKinds) geomType() string {
	if k["POINT"] && k["MULTIPOINT"] {
		delete(k, "POINT")
	}
	if len(k) == 1 {
		for t := range k {
			return t
		}
	}
	return "GEOMETRY"
}

// converter turns source features into rows for one target layer. Not
// safe for concurrent use (it holds a GEOS context).
type converter struct {
	pr       projector
	fx       *fixer
	kind     string
	types    map[string]string
	required []catalog.Field
	rep      *Report
}

func newConverter(pr projector, l *layers.Layer, kind string, rep *Report) *converter {
	c := &converter{pr: pr, fx: newFixer(), kind: kind, types: map[string]string{}, rep: rep}
	for _, f := range targetFields(l) {
		c.types[f.Name] = f.Type
		if f.Required {
			c.required = append(c.required, f)
		}
	}
	return c
}

// convert is f's row, or false when f is refused (and named in the report).
func (c *converter) convert(f Feature) (row, bool) {
	r, refusal := prepareRow(f, c.pr, c.fx, c.kind, c.rep.Mapping, c.types, c.required, c.rep)
	if refusal != "" {
		c.rep.Refused = append(c.rep.Refused, Note{f.Name, refusal})
		return row{}, false
	}
	return r, true
}

// prepareRow turns one feature into a row, or says why it is refused.
func prepareRow(f Feature, pr projector, fx *fixer, kind string, m Mapping, types map[string]string, required []catalog.Field, rep *Report) (row, string) {
	if f.Geom == nil {
		return row{}, "no geometry"
	}
	g, err := pr.Geometry(f.Geom)
	if err != nil {
		return row{}, "cannot be reprojected: " + err.Error()
	}
	g, repaired, refusal := fx.fix(g)
	if refusal != "" {
		return row{}, refusal
	}
	g, dropped, refusal := coerce(g, kind)
	if refusal != "" {
		return row{}, refusal
	}
	attrs := make(map[string]any, len(m.Fields)+1) // +1: bulkRows adds the uid
	for s, d := range m.Fields {
		v, ok := convert(f.Attrs[s], types[d])
		if !ok {
			return row{}, fmt.Sprintf("field %s: %v is not a %s value for %s", s, f.Attrs[s], types[d], d)
		}
		attrs[d] = v
	}
	for _, r := range required {
		if v := attrs[r.Name]; v == nil || v == "" {
			return row{}, fmt.Sprintf("required field %s (%s) is empty", r.Name, r.NameZh)
		}
	}
	if repaired != "" || dropped != "" {
		rep.Repaired = append(rep.Repaired, Note{f.Name, strings.Trim(repaired+"; "+dropped, "; ")})
	}
	return row{f.Name, g, attrs}, ""
}

// rowWriter writes rows as they come: Apply batches (journaled) into a
// catalog layer the catalog marks editable, else one Bulk load.
type rowWriter struct {
	ctx   context.Context
	bp    *layers.Blueprint
	l     *layers.Layer
	rep   *Report
	size  int
	batch []row
	bulk  *layers.BulkWriter
	uids  []string
}

func newRowWriter(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, opt ImportOptions, rep *Report) (*rowWriter, error) {
	w := &rowWriter{ctx: ctx, bp: bp, l: l, rep: rep, size: opt.BatchSize}
	if w.size <= 0 {
		w.size = 500
	}
	if l.Def != nil && l.Def.Editable && !l.Imported {
		rep.Journal = true
		return w, nil
	}
	var err error
	if w.bulk, err = bp.Bulk(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// add writes r, or holds it for the next Apply batch.
func (w *rowWriter) add(r row) error {
	if w.bulk != nil {
		uid := newUID()
		r.attrs["uid"] = uid
		if err := w.bulk.Insert(w.l.Table, r.geom, r.attrs); err != nil {
			return fmt.Errorf("transfer: %s: %s: %w", w.rep.Source, r.name, err)
		}
		w.uids = append(w.uids, uid)
		return nil
	}
	w.batch = append(w.batch, r)
	if len(w.batch) >= w.size {
		return w.apply()
	}
	return nil
}

// apply writes the held batch in one Apply.
func (w *rowWriter) apply() error {
	if len(w.batch) == 0 {
		return nil
	}
	edits := make([]layers.Edit, len(w.batch))
	for i, r := range w.batch {
		edits[i] = layers.Edit{Op: layers.OpInsert, Layer: w.l.Table, Geom: r.geom, Attrs: r.attrs}
	}
	fs, err := w.bp.Apply(w.ctx, edits...)
	if err != nil {
		start := w.rep.Imported + 1
		return fmt.Errorf("transfer: %s: features %d-%d (%s ...) not imported, %d before them were: %w",
			w.rep.Source, start, start+len(w.batch)-1, w.batch[0].name, w.rep.Imported, err)
	}
	for _, f := range fs {
		w.rep.UIDs = append(w.rep.UIDs, f.UID)
	}
	w.rep.Imported += len(fs)
	w.batch = w.batch[:0]
	return nil
}

// finish writes what is held and commits.
func (w *rowWriter) finish() error {
	if w.bulk == nil {
		return w.apply()
	}
	if len(w.uids) == 0 {
		return w.bulk.Rollback() // nothing to load: leave the layer untouched
	}
	if err := w.bulk.Commit(); err != nil {
		return fmt.Errorf("transfer: %s: nothing imported: %w", w.rep.Source, err)
	}
	w.rep.Imported, w.rep.UIDs = len(w.uids), w.uids
	return nil
}

// fail abandons a Bulk load (nothing imported) and returns err, saying how
// many features earlier Apply batches imported.
func (w *rowWriter) fail(err error) error {
	if w.bulk != nil {
		w.bulk.Rollback()
		return fmt.Errorf("%w (nothing imported)", err)
	}
	if w.rep.Imported > 0 {
		return fmt.Errorf("%w (%d features imported before it)", err, w.rep.Imported)
	}
	return err
}

// newUID is a time-ordered UUID, as the blueprint makes them.
func newUID() string {
	if u, err := uuid.NewV7(); err == nil {
		return u.String()
	}
	return uuid.NewString()
}
