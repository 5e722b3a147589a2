package transfer

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/conflict"
	"lantu/layers/crs"
	"lantu/layers/gpkg"
	"lantu/layers/outfile"
)

// Formats Export writes, by name and by extension.
var formatByExt = map[string]string{".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
	".shp": "shp", ".csv": "csv", ".txt": "txt"}

// ExportOptions say what to export and how. A plain value, safe to share
// read-only.
type ExportOptions struct {
	Layer    string // catalog code or table
	Where    string // a where filter (layers/conflict syntax: field = 'v' AND ...)
	District string // xzqdm of a district in XZ_QXXZQ: only the part inside it
	Format   string // gpkg, geojson, shp, csv, txt; "" from Out's extension
	Encoding string // shp, csv, txt text encoding: "" UTF-8, "GBK"...
	CRS      int    // EPSG code of the output; 0: CRS84 for GeoJSON, else the blueprint's
	Force    bool   // replace an existing output
	// UIDs, when not empty, export only these features (a selection): each
	// must be in the layer, and Where and District still apply to them.
	UIDs []string
}

// ExportReport says what Export wrote. A plain value the caller owns.
type ExportReport struct {
	Layer      string            `json:"layer"`
	Out        string            `json:"out"`
	Files      []string          `json:"files"`
	Format     string            `json:"format"`
	CRS        string            `json:"crs"`
	Encoding   string            `json:"encoding,omitempty"`
	Features   int               `json:"features"`
	Clipped    int               `json:"clipped,omitempty"` // cut at the district boundary
	Outside    int               `json:"outside,omitempty"` // selected but outside the district
	FieldNames map[string]string `json:"field_names,omitempty"`
}

// exportSet is the fields to write and the features, streamed.
type exportSet struct {
	layer  *layers.Layer
	name   string // output layer name
	fields []catalog.Field
	kind   string // polygon, line, point, multipoint, ""
	epsg   int    // of the output
	// each calls fn with every selected feature, cut to the district and
	// reprojected, one at a time from the store; it counts them in rep.
	each func(fn func(*layers.Feature) error) error
}

// Export writes a layer of bp to out through layers/outfile: the output is
// never the blueprint, an existing file is replaced only with Force, and a
// failed export leaves no file. Features are read from the store a chunk
// at a time and written as they come, so memory does not grow with the
// layer (a boundary-point TXT, a small file, is assembled whole).
func Export(ctx context.Context, bp *layers.Blueprint, out string, opt ExportOptions) (*ExportReport, error) {
	format, err := exportFormat(out, opt.Format)
	if err != nil {
		return nil, err
	}
	target := opt.CRS
	if target == 0 && format == "geojson" {
		target = crs.WGS84
	}
	set, rep, err := selectFeatures(ctx, bp, opt, target)
	if err != nil {
		return nil, err
	}
	rep.Out, rep.Format, rep.CRS, rep.Encoding = out, format, fmt.Sprintf("EPSG:%d", set.epsg), opt.Encoding
	files := outputFiles(out, format)
	outs := make([]*outfile.File, len(files))
	for i, f := range files {
		if outs[i], err = outfile.Create(f, outfile.Options{Inputs: []string{bp.Path()}, Force: opt.Force, SQLite: format == "gpkg"}); err != nil {
			abortAll(outs)
			return nil, err
		}
	}
	defer abortAll(outs)
	if err := writeFormat(ctx, format, outs, set, opt, rep); err != nil {
		return nil, err
	}
	for _, o := range outs {
		if err := o.Commit(); err != nil {
			return nil, err
		}
	}
	rep.Files = files
	return rep, nil
}

func abortAll(outs []*outfile.File) {
	for _, o := range outs {
		if o != nil {
			o.Abort()
		}
	}
}

func exportFormat(out, format string) (string, error) {
	if format == "" {
		format = formatByExt[strings.ToLower(filepath.Ext(out))]
	}
	switch format {
	case "gpkg", "geojson", "shp", "csv", "txt":
		return format, nil
	case "":
		return "", fmt.Errorf("%w: %s: say --format gpkg|geojson|shp|csv|txt", ErrFormat, out)
	}
	return "", fmt.Errorf("%w: %q (want gpkg, geojson, shp, csv or txt)", ErrFormat, format)
}

// outputFiles are the files a format writes: a Shapefile's sidecars too.
func outputFiles(out, format string) []string {
	if format != "shp" {
		return []string{out}
	}
	base := strings.TrimSuffix(out, filepath.Ext(out))
	return []string{base + ".shp", base + ".shx", base + ".dbf", base + ".prj", base + ".cpg"}
}

// uidChunk is how many uids one query of a selection names.
const uidChunk = 500

// selectFeatures checks the layer, the filter, the selection, the district
// and the output CRS (target 0: the blueprint's), and returns the set
// whose each streams the features.
func selectFeatures(ctx context.Context, bp *layers.Blueprint, opt ExportOptions, target int) (*exportSet, *ExportReport, error) {
	l := bp.Layer(opt.Layer)
	if l == nil {
		return nil, nil, fmt.Errorf("%w: %s has no layer %q", ErrLayer, bp.Path(), opt.Layer)
	}
	where, err := whereSQL(l, opt.Where)
	if err != nil {
		return nil, nil, err
	}
	uids, err := checkUIDs(ctx, bp, l, opt.UIDs)
	if err != nil {
		return nil, nil, err
	}
	set := &exportSet{layer: l, name: l.Table, fields: targetFields(l), kind: kindOfTable(l.GeomType), epsg: bp.SRID()}
	rep := &ExportReport{Layer: l.Code}
	fx := newFixer()
	var clip []byte
	if opt.District != "" {
		if clip, err = districtWKB(ctx, bp, fx, opt.District); err != nil {
			return nil, nil, err
		}
	}
	var tr *crs.Transformer
	if target != 0 && target != set.epsg {
		if tr, err = crs.NewTransformer(set.epsg, target); err != nil {
			return nil, nil, fmt.Errorf("%w: --crs EPSG:%d: %v", ErrNoCRS, target, err)
		}
		set.epsg = target
	}
	queries := selectionQueries(l.Table, where, uids)
	set.each = func(fn func(*layers.Feature) error) error {
		rep.Features, rep.Clipped, rep.Outside = 0, 0, 0
		keep := func(f *layers.Feature) error {
			ok, err := prepareExported(f, set, fx, clip, tr, rep)
			if err != nil || !ok {
				return err
			}
			rep.Features++
			return fn(f)
		}
		for _, q := range queries {
			if err := bp.Query(ctx, q, keep); err != nil {
				return err
			}
		}
		return nil
	}
	return set, rep, nil
}

// selectionQueries are the queries of the layer's features: one with the
// filter, or one per chunk of selected uids.
func selectionQueries(table, where string, uids []string) []layers.Query {
	if len(uids) == 0 {
		return []layers.Query{{Layers: []string{table}, Where: where}}
	}
	var qs []layers.Query
	for start := 0; start < len(uids); start += uidChunk {
		w := uidWhere(uids[start:min(start+uidChunk, len(uids))])
		if strings.TrimSpace(where) != "" {
			w = "(" + w + ") AND (" + where + ")"
		}
		qs = append(qs, layers.Query{Layers: []string{table}, Where: w})
	}
	return qs
}

// uidWhere is "uid IN ('a','b',...)".
func uidWhere(uids []string) string {
	quoted := make([]string, len(uids))
	for i, u := range uids {
		quoted[i] = "'" + strings.ReplaceAll(u, "'", "''") + "'"
	}
	return gpkg.QuoteIdent("uid") + " IN (" + strings.Join(quoted, ",") + ")"
}

// checkUIDs drops repeated uids and refuses any the layer does not hold,
// naming them, before anything is written.
func checkUIDs(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, uids []string) ([]string, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	if !slices.ContainsFunc(l.Columns, func(c gpkg.Column) bool { return c.Name == "uid" }) {
		return nil, fmt.Errorf("%w: layer %s has no uid column to select by", ErrInput, l.Code)
	}
	seen := map[string]bool{}
	var unique []string
	for _, u := range uids {
		if u = strings.TrimSpace(u); u != "" && !seen[u] {
			seen[u] = true
			unique = append(unique, u)
		}
	}
	found := map[string]bool{}
	for _, q := range selectionQueries(l.Table, "", unique) {
		q.NoGeom = true
		err := bp.Query(ctx, q, func(f *layers.Feature) error { found[f.UID] = true; return nil })
		if err != nil {
			return nil, err
		}
	}
	var missing []string
	for _, u := range unique {
		if !found[u] {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: layer %s of %s has no feature with uid %s", ErrInput, l.Code, bp.Path(), listSome(missing, 5))
	}
	return unique, nil
}

// listSome names the first n of names and how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// prepareExported cuts f to the district (clip nil: none) and reprojects it
// (tr nil: not), in place; false: f is outside the district.
func prepareExported(f *layers.Feature, set *exportSet, fx *fixer, clip []byte, tr *crs.Transformer, rep *ExportReport) (bool, error) {
	if clip != nil {
		in, err := clipFeature(f, set, fx, clip, rep)
		if err != nil || !in {
			return false, err
		}
	}
	if tr != nil && f.Geom != nil {
		g, err := tr.Geometry(f.Geom)
		if err != nil {
			return false, fmt.Errorf("layer %s uid %s: %w", set.layer.Code, f.UID, err)
		}
		f.Geom = g
	}
	return true, nil
}

// clipFeature keeps the part of f inside the district clip; false: none.
func clipFeature(f *layers.Feature, set *exportSet, fx *fixer, clip []byte, rep *ExportReport) (bool, error) {
	if f.Geom == nil {
		rep.Outside++ // no geometry is inside no district
		return false, nil
	}
	g, _, refusal := fx.fix(f.Geom)
	if refusal != "" {
		return false, fmt.Errorf("%w: layer %s uid %s: %s", ErrInput, set.layer.Code, f.UID, refusal)
	}
	in, cut, err := fx.intersect(g, clip, set.kind)
	if err != nil {
		return false, fmt.Errorf("layer %s uid %s: %w", set.layer.Code, f.UID, err)
	}
	if in == nil {
		rep.Outside++
		return false, nil
	}
	if cut {
		rep.Clipped++
	}
	f.Geom = in
	return true, nil
}

// whereSQL parses the filter and checks its fields are the layer's.
func whereSQL(l *layers.Layer, src string) (string, error) {
	e, err := conflict.ParseWhere(src)
	if err != nil {
		return "", fmt.Errorf("%w: --where %q: %v", ErrInput, src, err)
	}
	for _, f := range e.Fields() {
		if !slices.ContainsFunc(l.Columns, func(c gpkg.Column) bool { return c.Name == f }) {
			return "", fmt.Errorf("%w: --where: layer %s has no field %q", ErrInput, l.Code, f)
		}
	}
	return e.SQL(), nil
}

// districtWKB is the district's polygons (made valid) as WKB.
func districtWKB(ctx context.Context, bp *layers.Blueprint, fx *fixer, code string) ([]byte, error) {
	where, err := conflict.ParseWhere("xzqdm = '" + strings.ReplaceAll(code, "'", "''") + "'")
	if err != nil {
		return nil, fmt.Errorf("%w: --district %q: %v", ErrInput, code, err)
	}
	var parts orb.MultiPolygon
	err = bp.Query(ctx, layers.Query{Layers: []string{"XZ_QXXZQ"}, Where: where.SQL()}, func(f *layers.Feature) error {
		var lines orb.MultiLineString
		var pts orb.MultiPoint
		var other []string
		collect(f.Geom, &parts, &lines, &pts, &other)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: --district %s: no district with xzqdm %q in XZ_QXXZQ of %s", ErrInput, code, code, bp.Path())
	}
	clip, _, refusal := fx.fix(parts) // a repaired district is used as repaired
	if refusal != "" {
		return nil, fmt.Errorf("%w: district %s: %s", ErrInput, code, refusal)
	}
	return wkb.Marshal(clip)
}

// writeFormat writes the set into the outputs' temporary files.
func writeFormat(ctx context.Context, format string, outs []*outfile.File, set *exportSet, opt ExportOptions, rep *ExportReport) error {
	switch format {
	case "gpkg":
		return writeGPKG(ctx, outs[0].Path(), set)
	case "geojson":
		return writeGeoJSON(outs[0].Path(), set)
	case "csv":
		return writeCSV(outs[0].Path(), set, opt.Encoding)
	case "txt":
		return writeTXT(outs[0].Path(), set, opt.Encoding)
	case "shp":
		return writeShapefile(outs, set, opt.Encoding, rep)
	}
	return fmt.Errorf("%w: %s", ErrFormat, format)
}
