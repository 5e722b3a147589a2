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
// made the layer's type, attributes mapped and converted. Into an editable
// catalog layer the features go through Apply in batches (journaled);
// into a base layer or a new imported layer through one Bulk load. A feature
// that cannot go in is refused and named; an unknown CRS, an unknown layer
// or a bad mapping is an error before anything is written. An import
// --as that fails after creating its layer leaves the empty layer. Import
// may run beside readers of bp, but with As it adds a layer, so it must not
// run while other goroutines walk bp.Layers().
func Import(ctx context.Context, bp *layers.Blueprint, src *Source, opt ImportOptions) (*Report, error) {
	if (opt.Layer == "") == (opt.As == "") {
		return nil, fmt.Errorf("%w: give a catalog layer or a new layer name, not both or neither", ErrLayer)
	}
	rep := &Report{Source: src.Path, Format: src.Format, Encoding: src.Encoding, Read: len(src.Features), Notes: src.Notes,
		Repaired: []Note{}, Refused: []Note{}, UIDs: []string{}}
	pr, err := sourceProjector(src, opt.SRS, bp.SRID(), rep)
	if err != nil {
		return nil, err
	}
	target, kind, err := prepareTarget(ctx, bp, src, opt, rep)
	if err != nil {
		return nil, err
	}
	rows, err := prepareRows(ctx, src, pr, target, kind, rep, opt.Progress)
	if err != nil {
		return nil, err
	}
	if err := writeRows(ctx, bp, target, rows, opt, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// sourceProjector picks the source CRS and checks the coordinates fit it.
func sourceProjector(src *Source, srs, to int, rep *Report) (projector, error) {
	if srs > 0 {
		src.CRS = CRS{EPSG: srs, From: "--s-srs"}
	}
	if !src.CRS.Known() {
		return nil, fmt.Errorf("%w: %s says nothing of its coordinate system; give it with --s-srs EPSG:N", ErrNoCRS, src.Path)
	}
	rep.CRS = fmt.Sprintf("%s -> EPSG:%d", src.CRS, to)
	if err := checkRange(src); err != nil {
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
	kinds := map[string]bool{}
	for _, f := range src.Features {
		switch f.Geom.(type) {
		case orb.Polygon, orb.MultiPolygon, orb.Ring:
			kinds["MULTIPOLYGON"] = true
		case orb.LineString, orb.MultiLineString:
			kinds["MULTILINESTRING"] = true
		case orb.Point:
			kinds["POINT"] = true
		case orb.MultiPoint:
			kinds["MULTIPOINT"] = true
		case nil:
		default:
			kinds["GEOMETRY"] = true
		}
	}
	if kinds["POINT"] && kinds["MULTIPOINT"] {
		delete(kinds, "POINT")
	}
	if len(kinds) == 1 {
		for k := range kinds {
			return k
		}
	}
	return "GEOMETRY"
}

// prepareRows reprojects, repairs, coerces and maps every feature.
func prepareRows(ctx context.Context, src *Source, pr projector, l *layers.Layer, kind string, rep *Report, progress func(int, int)) ([]row, error) {
	types := map[string]string{}
	var required []catalog.Field
	for _, f := range targetFields(l) {
		types[f.Name] = f.Type
		if f.Required {
			required = append(required, f)
		}
	}
	fx := newFixer()
	rows := make([]row, 0, len(src.Features))
	for i, f := range src.Features {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if progress != nil && i%256 == 0 {
			progress(i, len(src.Features))
		}
		r, refusal := prepareRow(f, pr, fx, kind, rep.Mapping, types, required, rep)
		if refusal != "" {
			rep.Refused = append(rep.Refused, Note{f.Name, refusal})
			continue
		}
		rows = append(rows, r)
	}
	return rows, nil
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

// writeRows writes the rows: through Apply batches (journaled) into a
// catalog layer the catalog marks editable, else one Bulk load.
func writeRows(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, rows []row, opt ImportOptions, rep *Report) error {
	if len(rows) == 0 {
		return nil
	}
	if l.Def != nil && l.Def.Editable && !l.Imported {
		return applyRows(ctx, bp, l, rows, opt, rep)
	}
	return bulkRows(ctx, bp, l, rows, opt, rep)
}

func applyRows(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, rows []row, opt ImportOptions, rep *Report) error {
	rep.Journal = true
	size := opt.BatchSize
	if size <= 0 {
		size = 500
	}
	for start := 0; start < len(rows); start += size {
		batch := rows[start:min(start+size, len(rows))]
		edits := make([]layers.Edit, len(batch))
		for i, r := range batch {
			edits[i] = layers.Edit{Op: layers.OpInsert, Layer: l.Table, Geom: r.geom, Attrs: r.attrs}
		}
		fs, err := bp.Apply(ctx, edits...)
		if err != nil {
			return fmt.Errorf("transfer: %s: features %d-%d (%s ...) not imported, %d before them were: %w",
				rep.Source, start+1, start+len(batch), batch[0].name, rep.Imported, err)
		}
		for _, f := range fs {
			rep.UIDs = append(rep.UIDs, f.UID)
		}
		rep.Imported += len(fs)
		if opt.Progress != nil {
			opt.Progress(rep.Imported, len(rows))
		}
	}
	return nil
}

func bulkRows(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, rows []row, opt ImportOptions, rep *Report) error {
	w, err := bp.Bulk(ctx)
	if err != nil {
		return err
	}
	defer w.Rollback()
	uids := make([]string, len(rows))
	for i, r := range rows {
		uids[i] = newUID()
		r.attrs["uid"] = uids[i]
		if err := w.Insert(l.Table, r.geom, r.attrs); err != nil {
			return fmt.Errorf("transfer: %s: %s: %w (nothing imported)", rep.Source, r.name, err)
		}
		if opt.Progress != nil && i%256 == 0 {
			opt.Progress(i, len(rows))
		}
	}
	if err := w.Commit(); err != nil {
		return fmt.Errorf("transfer: %s: nothing imported: %w", rep.Source, err)
	}
	rep.Imported, rep.UIDs = len(rows), uids
	return nil
}

// newUID is a time-ordered UUID, as the blueprint makes them.
func newUID() string {
	if u, err := uuid.NewV7(); err == nil {
		return u.String()
	}
	return uuid.NewString()
}
