package transfer

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/encoding/htmlindex"

	"lantu/layers"
	"lantu/layers/boundarytxt"
	"lantu/layers/gpkg"
)

// sqlTypes maps field types to GeoPackage column types.
var sqlTypes = map[string]string{"text": "TEXT", "integer": "INTEGER", "real": "REAL", "date": "DATE"}

// writeGPKG writes a new GeoPackage with one feature table: uid and the
// layer's fields, a spatial index and the extent.
func writeGPKG(ctx context.Context, path string, set *exportSet) error {
	db, err := gpkg.Create(path)
	if err != nil {
		return err
	}
	defer db.Close()
	cols := []gpkg.Column{{Name: "uid", Type: "TEXT"}}
	for _, f := range set.fields {
		cols = append(cols, gpkg.Column{Name: f.Name, Type: sqlTypes[f.Type]})
	}
	gt := set.layer.GeomType
	if gt == "" {
		gt = "GEOMETRY"
	}
	ident := set.layer.Table
	if set.layer.Def != nil && !set.layer.Imported {
		ident = set.layer.Def.NameZh
	}
	spec := gpkg.TableSpec{Table: set.name, Identifier: ident, GeomColumn: "geom", GeomType: gt, SRSID: set.epsg, Columns: cols}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.CreateTable(ctx, tx, spec); err != nil {
		return err
	}
	if err := insertAll(ctx, tx, set, cols); err != nil {
		return err
	}
	if err := db.CreateSpatialIndex(ctx, tx, set.name, "geom"); err != nil {
		return err
	}
	if err := db.UpdateExtent(ctx, tx, set.name); err != nil {
		return err
	}
	return tx.Commit()
}

func insertAll(ctx context.Context, tx *sql.Tx, set *exportSet, cols []gpkg.Column) error {
	names := []string{gpkg.QuoteIdent("geom")}
	for _, c := range cols {
		names = append(names, gpkg.QuoteIdent(c.Name))
	}
	st, err := tx.PrepareContext(ctx, "INSERT INTO "+gpkg.QuoteIdent(set.name)+" ("+strings.Join(names, ",")+") VALUES (?"+strings.Repeat(",?", len(cols))+")")
	if err != nil {
		return err
	}
	defer st.Close()
	args := make([]any, 0, 2+len(set.fields))
	return set.each(func(f *layers.Feature) error {
		var blob any
		if f.Geom != nil {
			b, err := gpkg.EncodeGeometry(f.Geom, int32(set.epsg))
			if err != nil {
				return fmt.Errorf("layer %s uid %s: %w", set.layer.Code, f.UID, err)
			}
			blob = b
		}
		args = append(args[:0], blob, f.UID)
		for _, fl := range set.fields {
			args = append(args, f.Attrs[fl.Name])
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("layer %s uid %s: %w", set.layer.Code, f.UID, err)
		}
		return nil
	})
}

// writeGeoJSON writes RFC 7946 GeoJSON (CRS84), or with a crs member
// naming the EPSG code when another CRS was asked for, a feature at a time.
func writeGeoJSON(path string, set *exportSet) error {
	return writeStream(path, func(w *bufio.Writer) error {
		head := map[string]any{"type": "FeatureCollection", "name": set.name}
		if set.epsg != 4326 {
			head["crs"] = map[string]any{"type": "name", "properties": map[string]string{"name": fmt.Sprintf("urn:ogc:def:crs:EPSG::%d", set.epsg)}}
		}
		hb, err := json.Marshal(head)
		if err != nil {
			return err
		}
		w.Write(hb[:len(hb)-1]) // without its closing brace
		w.WriteString(`,"features":[`)
		n := 0
		err = set.each(func(f *layers.Feature) error {
			gf := &geojson.Feature{Type: "Feature", ID: f.UID, Geometry: f.Geom, Properties: make(geojson.Properties, len(set.fields))}
			for _, fl := range set.fields {
				gf.Properties[fl.Name] = f.Attrs[fl.Name]
			}
			b, err := json.Marshal(gf)
			if err != nil {
				return fmt.Errorf("transfer: geojson: layer %s uid %s: %w", set.layer.Code, f.UID, err)
			}
			if n > 0 {
				w.WriteByte(',')
			}
			n++
			_, err = w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		_, err = w.WriteString("]}")
		return err
	})
}

// writeStream writes a file through a buffer filled by fill.
func writeStream(path string, fill func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// encodeText encodes UTF-8 text to encoding ("" or UTF-8: unchanged).
func encodeText(b []byte, encoding string) ([]byte, error) {
	if encoding == "" || strings.EqualFold(encoding, "UTF-8") {
		return b, nil
	}
	enc, err := htmlindex.Get(encoding)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", ErrEncoding, encoding)
	}
	out, err := enc.NewEncoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot hold the text: %v", ErrEncoding, encoding, err)
	}
	return out, nil
}

// writeCSV writes a WKT column then the fields; UTF-8 with a BOM (what
// spreadsheets need to see Chinese), or the encoding asked for; a record
// the encoding cannot hold is refused naming the feature.
func writeCSV(path string, set *exportSet, encoding string) error {
	utf8 := encoding == "" || strings.EqualFold(encoding, "UTF-8")
	if _, err := encodeText(nil, encoding); err != nil {
		return err
	}
	return writeStream(path, func(out *bufio.Writer) error {
		if utf8 {
			out.Write(bom)
		}
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		put := func(rec []string, who string) error {
			buf.Reset()
			cw.Write(rec)
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			b, err := encodeText(buf.Bytes(), encoding)
			if err != nil {
				return fmt.Errorf("%s: %w", who, err)
			}
			_, err = out.Write(b)
			return err
		}
		header := []string{"WKT"}
		for _, f := range set.fields {
			header = append(header, f.Name)
		}
		if err := put(header, "the header"); err != nil {
			return err
		}
		rec := make([]string, 0, len(header))
		return set.each(func(f *layers.Feature) error {
			rec = append(rec[:0], marshalWKT(f.Geom))
			for _, fl := range set.fields {
				rec = append(rec, attrString(f.Attrs[fl.Name]))
			}
			return put(rec, fmt.Sprintf("layer %s uid %s", set.layer.Code, f.UID))
		})
	})
}

// writeTXT writes polygons as a boundary-point file: one parcel per
// feature, 面积 in hectares, 地块名称 from the layer's label field.
func writeTXT(path string, set *exportSet, encoding string) error {
	if set.kind != "polygon" {
		return fmt.Errorf("%w: layer %s holds %s features; a boundary-point file holds polygons", ErrFormat, set.layer.Code, set.kind)
	}
	if !(set.epsg >= 4513 && set.epsg <= 4554) {
		return fmt.Errorf("%w: EPSG:%d is not a CGCS2000 3-degree Gauss-Krüger zone; give --crs EPSG:4529 or EPSG:4550", ErrCRS, set.epsg)
	}
	f := &boundarytxt.File{Header: boundarytxt.ProposalHeader(set.epsg)}
	label := ""
	if set.layer.Def != nil {
		label = set.layer.Def.LabelField
	}
	err := set.each(func(ft *layers.Feature) error {
		mp, ok := ft.Geom.(orb.MultiPolygon)
		if p, isPoly := ft.Geom.(orb.Polygon); isPoly {
			mp, ok = orb.MultiPolygon{p}, true
		}
		if !ok {
			return fmt.Errorf("%w: layer %s uid %s: not a polygon", ErrFormat, set.layer.Code, ft.UID)
		}
		f.Parcels = append(f.Parcels, boundarytxt.Parcel{Number: strconv.Itoa(len(f.Parcels) + 1), Name: attrString(ft.Attrs[label]),
			Shape: "面", Use: attrString(ft.Attrs["bz"]), LandCode: attrString(ft.Attrs["ydyhdm"]),
			Area: planar.Area(mp) / 1e4, Geometry: mp})
		return nil
	})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := boundarytxt.Write(&buf, f, encoding); err != nil {
		return fmt.Errorf("transfer: %s: %w", path, err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func attrString(v any) string {
	if v == nil {
		return ""
	}
	return textOf(v)
}
