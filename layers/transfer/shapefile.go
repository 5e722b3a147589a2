package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/outfile"
	"lantu/layers/shapefile"
)

// openShapefile opens a .shp (or a .zip holding one) as a streamed
// Source; its CRS is the .prj's WKT, its extent the header's.
func openShapefile(path string, opt ReadOptions) (*Source, error) {
	ropt := shapefile.ReadOptions{Encoding: opt.Encoding, KeepZM: opt.KeepZM}
	r, err := shapefile.Open(path, ropt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	src := &Source{Path: path, Format: "shp", Encoding: r.Encoding}
	if strings.TrimSpace(r.PRJ) != "" {
		src.CRS = CRS{WKT: r.PRJ, From: "the .prj of " + filepath.Base(path)}
	}
	for _, fl := range r.Fields {
		src.Fields = append(src.Fields, Field{fl.Name, dbfKind(fl)})
	}
	st := &stream{count: r.Len(), geomType: shapeGeomType(r.ShapeType),
		bound: orb.Bound{Min: orb.Point{r.Box[0], r.Box[1]}, Max: orb.Point{r.Box[2], r.Box[3]}}}
	st.coords = r.ShapeType != shapefile.Null && r.Len() != 0
	fields := r.Fields
	st.each = func(ctx context.Context, fn func(Feature) error) error {
		return eachRecord(ctx, path, ropt, fields, fn)
	}
	src.stream = st
	return src, nil
}

// eachRecord reads the shapefile record by record into Features.
func eachRecord(ctx context.Context, path string, opt shapefile.ReadOptions, fields []shapefile.Field, fn func(Feature) error) error {
	r, err := shapefile.Open(path, opt)
	if err != nil {
		return err
	}
	defer r.Close()
	for i := 0; ; i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, n, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		ft := Feature{Name: "record " + strconv.Itoa(n), Geom: rec.Geometry, Attrs: make(map[string]any, len(fields))}
		for j, v := range rec.Values {
			if j < len(fields) && v != nil {
				ft.Attrs[fields[j].Name] = v
			}
		}
		if err := fn(ft); err != nil {
			return err
		}
	}
}

// shapeGeomType is the type of a new layer holding a file of type t.
func shapeGeomType(t shapefile.ShapeType) string {
	switch t.Base() {
	case shapefile.Polygon:
		return "MULTIPOLYGON"
	case shapefile.PolyLine:
		return "MULTILINESTRING"
	case shapefile.Point:
		return "POINT"
	case shapefile.MultiPoint:
		return "MULTIPOINT"
	}
	return "GEOMETRY"
}

// dbfKind is the field type a DBF column reads as.
func dbfKind(f shapefile.Field) string {
	switch f.Type {
	case shapefile.Numeric, shapefile.Float:
		if f.Decimals == 0 && f.Type == shapefile.Numeric && f.Length < 19 {
			return "integer"
		}
		return "real"
	case shapefile.Logical:
		return "integer"
	case shapefile.Date:
		return "date"
	}
	return "text"
}

// writeShapefile writes the set as outs' .shp with .shx, .dbf, .prj and
// .cpg, the field names cut to the DBF's 10 bytes (the mapping is in rep).
func writeShapefile(outs []*outfile.File, set *exportSet, encoding string, rep *ExportReport) error {
	def, err := crs.Lookup(set.epsg)
	if err != nil {
		return err
	}
	names := make([]string, len(set.fields))
	for i, f := range set.fields {
		names[i] = f.Name
	}
	dbfNames, err := shapefile.FieldNames(names, encoding)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	rep.FieldNames = map[string]string{}
	fields := make([]shapefile.Field, len(set.fields))
	for i, f := range set.fields {
		fields[i] = dbfField(dbfNames[i], f.Type)
		rep.FieldNames[f.Name] = dbfNames[i]
	}
	w, err := shapefile.Create(outs[0].Path(), shapeType(set.kind), fields, def.WKT, shapefile.WriteOptions{Encoding: encoding})
	if err != nil {
		return err
	}
	defer w.Abort()
	vals := make([]any, len(set.fields))
	err = set.each(func(ft *layers.Feature) error {
		for i, f := range set.fields {
			vals[i] = dbfValue(ft.Attrs[f.Name], f.Type)
		}
		if err := w.Write(shapefile.Record{Geometry: ft.Geom, Values: vals}); err != nil {
			return fmt.Errorf("layer %s uid %s: %w", set.layer.Code, ft.UID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	stem := strings.TrimSuffix(outs[0].Path(), filepath.Ext(outs[0].Path()))
	for _, o := range outs[1:] {
		if err := os.Rename(stem+filepath.Ext(o.Path()), o.Path()); err != nil {
			return fmt.Errorf("transfer: %s: %w", o.Target(), err)
		}
	}
	return nil
}

func shapeType(kind string) shapefile.ShapeType {
	switch kind {
	case "polygon":
		return shapefile.Polygon
	case "line":
		return shapefile.PolyLine
	case "point":
		return shapefile.Point
	case "multipoint":
		return shapefile.MultiPoint
	}
	return shapefile.Null
}

func dbfField(name, typ string) shapefile.Field {
	switch typ {
	case "integer":
		return shapefile.Field{Name: name, Type: shapefile.Numeric}
	case "real":
		return shapefile.Field{Name: name, Type: shapefile.Float}
	case "date":
		return shapefile.Field{Name: name, Type: shapefile.Date}
	}
	return shapefile.Field{Name: name, Type: shapefile.Character}
}

// dbfValue converts a blueprint value to what shapefile.Write takes.
func dbfValue(v any, typ string) any {
	switch typ {
	case "date":
		if s, ok := v.(string); ok {
			for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05.000Z"} {
				if t, err := time.Parse(layout, s); err == nil {
					return t
				}
			}
		}
	case "text":
		if v != nil {
			return textOf(v)
		}
	}
	return v
}
