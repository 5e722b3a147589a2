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

// exportSet is the features and fields to write.
type exportSet struct {
	layer  *layers.Layer
	name   string // output layer name
	fields []catalog.Field
	feats  []*layers.Feature
	kind   string // polygon, line, point, multipoint, ""
	epsg   int
}

// Export writes a layer of bp to out through layers/outfile: the output is
// never the blueprint, an existing file is replaced only with Force, and a
// failed export leaves no file.
func Export(ctx context.Context, bp *layers.Blueprint, out string, opt ExportOptions) (*ExportReport, error) {
	format, err := exportFormat(out, opt.Format)
	if err != nil {
		return nil, err
	}
	set, rep, err := selectFeatures(ctx, bp, opt)
	if err != nil {
		return nil, err
	}
	set.epsg = bp.SRID()
	target := opt.CRS
	if target == 0 && format == "geojson" {
		target = crs.WGS84
	}
	if target != 0 && target != set.epsg {
		if err := reproject(set, target); err != nil {
			return nil, err
		}
	}
	rep.Out, rep.Format, rep.CRS, rep.Features, rep.Encoding = out, format, fmt.Sprintf("EPSG:%d", set.epsg), len(set.feats), opt.Encoding
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

// selectFeatures queries the layer with the where filter and clips to the
// district.
func selectFeatures(ctx context.Context, bp *layers.Blueprint, opt ExportOptions) (*exportSet, *ExportReport, error) {
	l := bp.Layer(opt.Layer)
	if l == nil {
		return nil, nil, fmt.Errorf("%w: %s has no layer %q", ErrLayer, bp.Path(), opt.Layer)
	}
	where, err := whereSQL(l, opt.Where)
	if err != nil {
		return nil, nil, err
	}
	set := &exportSet{layer: l, name: l.Table, fields: targetFields(l), kind: kindOfTable(l.GeomType)}
	rep := &ExportReport{Layer: l.Code}
	err = bp.Query(ctx, layers.Query{Layers: []string{l.Table}, Where: where}, func(f *layers.Feature) error {
		set.feats = append(set.feats, f)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if opt.District != "" {
		if err := clipToDistrict(ctx, bp, set, opt.District, rep); err != nil {
			return nil, nil, err
		}
	}
	return set, rep, nil
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

// clipToDistrict keeps the part of each feature inside the district whose
// xzqdm is code.
func clipToDistrict(ctx context.Context, bp *layers.Blueprint, set *exportSet, code string, rep *ExportReport) error {
	fx := newFixer()
	cb, err := districtWKB(ctx, bp, fx, code)
	if err != nil {
		return err
	}
	kept := set.feats[:0]
	for _, f := range set.feats {
		if f.Geom == nil {
			rep.Outside++ // no geometry is inside no district
			continue
		}
		g, _, refusal := fx.fix(f.Geom)
		if refusal != "" {
			return fmt.Errorf("%w: layer %s uid %s: %s", ErrInput, set.layer.Code, f.UID, refusal)
		}
		in, cut, err := fx.intersect(g, cb, set.kind)
		if err != nil {
			return fmt.Errorf("layer %s uid %s: %w", set.layer.Code, f.UID, err)
		}
		if in == nil {
			rep.Outside++
			continue
		}
		if cut {
			rep.Clipped++
		}
		f.Geom = in
		kept = append(kept, f)
	}
	set.feats = kept
	return nil
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

// reproject transforms every feature to epsg.
func reproject(set *exportSet, epsg int) error {
	t, err := crs.NewTransformer(set.epsg, epsg)
	if err != nil {
		return fmt.Errorf("%w: --crs EPSG:%d: %v", ErrNoCRS, epsg, err)
	}
	for _, f := range set.feats {
		if f.Geom == nil {
			continue
		}
		if f.Geom, err = t.Geometry(f.Geom); err != nil {
			return fmt.Errorf("layer %s uid %s: %w", set.layer.Code, f.UID, err)
		}
	}
	set.epsg = epsg
	return nil
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
