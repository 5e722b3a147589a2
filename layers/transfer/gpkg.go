package transfer

import (
	"context"
	"fmt"
	"strings"

	"lantu/layers"
)

// openGPKG opens the one vector layer of a GeoPackage as a streamed
// Source (read-only through layers, so any GeoPackage's table is an
// imported layer); its CRS is the table's srs_id. A GeoPackage with several
// vector layers is refused naming them, unless opt.Table picks one.
func openGPKG(path string, opt ReadOptions) (*Source, error) {
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer bp.Close()
	l, err := pickLayer(bp, path, opt.Table)
	if err != nil {
		return nil, err
	}
	src := &Source{Path: path, Format: "gpkg", Encoding: "UTF-8"}
	if l.SRID > 0 {
		src.CRS = CRS{EPSG: l.SRID, From: fmt.Sprintf("srs_id of table %s", l.Table)}
	}
	for _, f := range targetFields(l) {
		src.Fields = append(src.Fields, Field{f.Name, f.Type})
	}
	st := &stream{count: l.Count(), geomType: gpkgGeomType(l), bound: l.Extent(), coords: l.Count() > 0}
	table, fields := l.Table, src.Fields
	st.each = func(ctx context.Context, fn func(Feature) error) error {
		return eachRow(ctx, path, table, fields, fn)
	}
	src.stream = st
	return src, nil
}

// gpkgGeomType is the type of a new layer holding l's features.
func gpkgGeomType(l *layers.Layer) string {
	switch t := strings.ToUpper(l.GeomType); t {
	case "POLYGON", "MULTIPOLYGON":
		return "MULTIPOLYGON"
	case "LINESTRING", "MULTILINESTRING":
		return "MULTILINESTRING"
	case "POINT", "MULTIPOINT":
		return t
	}
	return "GEOMETRY"
}

// eachRow reads the table's rows one at a time into Features.
func eachRow(ctx context.Context, path, table string, fields []Field, fn func(Feature) error) error {
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer bp.Close()
	return bp.Query(ctx, layers.Query{Layers: []string{table}}, func(f *layers.Feature) error {
		ft := Feature{Name: fmt.Sprintf("%s fid %d", table, f.FID), Geom: f.Geom, Attrs: make(map[string]any, len(fields))}
		for _, fl := range fields {
			if v := f.Attrs[fl.Name]; v != nil {
				ft.Attrs[fl.Name] = v
			}
		}
		return fn(ft)
	})
}

// pickLayer is the named layer, or the only vector layer with features.
func pickLayer(bp *layers.Blueprint, path, table string) (*layers.Layer, error) {
	if table != "" {
		if l := bp.Layer(table); l != nil {
			return l, nil
		}
		return nil, fmt.Errorf("%w: %s has no layer %q", ErrInput, path, table)
	}
	var names []string
	var found *layers.Layer
	for _, l := range bp.Layers() {
		if l.Count() > 0 {
			names, found = append(names, l.Table), l
		}
	}
	if len(names) == 0 && len(bp.Layers()) == 1 {
		return bp.Layers()[0], nil // an empty layer
	}
	switch len(names) {
	case 1:
		return found, nil
	case 0:
		return nil, fmt.Errorf("%w: %s has no vector layer with features", ErrNoGeom, path)
	}
	return nil, fmt.Errorf("%w: %s has %d vector layers (%s); export one layer to import it", ErrInput, path, len(names), strings.Join(names, ", "))
}
