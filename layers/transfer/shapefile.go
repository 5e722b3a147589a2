package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"lantu/layers/crs"
	"lantu/layers/outfile"
	"lantu/layers/shapefile"
)

// readShapefile reads a .shp (or a .zip holding one); its CRS is the
// .prj's WKT.
func readShapefile(path string, opt ReadOptions) (*Source, error) {
	f, err := shapefile.Read(path, shapefile.ReadOptions{Encoding: opt.Encoding, KeepZM: opt.KeepZM})
	if err != nil {
		return nil, err
	}
	src := &Source{Path: path, Format: "shp", Encoding: f.Encoding}
	if strings.TrimSpace(f.PRJ) != "" {
		src.CRS = CRS{WKT: f.PRJ, From: "the .prj of " + filepath.Base(path)}
	}
	for _, fl := range f.Fields {
		src.Fields = append(src.Fields, Field{fl.Name, dbfKind(fl)})
	}
	src.Features = make([]Feature, 0, len(f.Records))
	for i, r := range f.Records {
		ft := Feature{Name: "record " + strconv.Itoa(i+1), Geom: r.Geometry, Attrs: make(map[string]any, len(f.Fields))}
		for j, v := range r.Values {
			if j < len(f.Fields) && v != nil {
				ft.Attrs[f.Fields[j].Name] = v
			}
		}
		src.Features = append(src.Features, ft)
	}
	return src, nil
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
	file := &shapefile.File{ShapeType: shapeType(set.kind), PRJ: def.WKT}
	rep.FieldNames = map[string]string{}
	for i, f := range set.fields {
		file.Fields = append(file.Fields, dbfField(dbfNames[i], f.Type))
		rep.FieldNames[f.Name] = dbfNames[i]
	}
	for _, ft := range set.feats {
		rec := shapefile.Record{Geometry: ft.Geom}
		for _, f := range set.fields {
			rec.Values = append(rec.Values, dbfValue(ft.Attrs[f.Name], f.Type))
		}
		file.Records = append(file.Records, rec)
	}
	if err := shapefile.Write(outs[0].Path(), file, shapefile.WriteOptions{Encoding: encoding}); err != nil {
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
