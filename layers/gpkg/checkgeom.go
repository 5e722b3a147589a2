package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// CheckGeometries decodes every geometry blob of every feature table with
// Lantu's own decoder and reports, per feature (Problem.FID), what it cannot
// read or what contradicts itself: bad headers, absurd WKB counts, truncated
// or over-long WKB, an empty flag that disagrees with the coordinates, an
// envelope that does not match them, an srs_id other than the layer's, and
// geometry types the column does not allow. NULL geometries are legal and not
// reported. It reads the whole file, so it takes as long as opening it.
func (db *DB) CheckGeometries(ctx context.Context) []Problem {
	c := &checker{ctx: ctx, q: db.R}
	infos, err := db.Layers(ctx)
	if err != nil {
		c.add("", "%v", err)
		return c.probs
	}
	for _, l := range infos {
		if l.DataType == "features" && l.GeomColumn != "" && hasColumn(l.Columns, l.GeomColumn) && l.Err == nil {
			c.geometries(l)
		}
	}
	return c.probs
}

func (c *checker) addFID(table string, fid int64, format string, args ...any) {
	c.probs = append(c.probs, Problem{Table: table, FID: fid, IsFeature: true, Message: fmt.Sprintf(format, args...)})
}

// geometries checks the blobs of one layer.
func (c *checker) geometries(l LayerInfo) {
	pk := l.PK
	if pk == "" {
		pk = "rowid"
	}
	rows, err := c.q.QueryContext(c.ctx, "SELECT "+QuoteIdent(pk)+", "+QuoteIdent(l.GeomColumn)+" FROM "+QuoteIdent(l.Table))
	if err != nil {
		c.add(l.Table, "query failed: %v", err)
		return
	}
	defer rows.Close()
	var fid int64
	var blob sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&fid, &blob); err != nil {
			c.add(l.Table, "read failed: %v", err)
			return
		}
		if blob != nil {
			if msg := checkBlob(blob, l); msg != "" {
				c.addFID(l.Table, fid, "%s", msg)
			}
		}
	}
	if err := rows.Err(); err != nil {
		c.add(l.Table, "read failed: %v", err)
	}
}

// checkBlob returns what is wrong with one blob of layer l, or "".
func checkBlob(b []byte, l LayerInfo) string {
	h, err := ParseHeader(b)
	if err != nil {
		return err.Error()
	}
	if h.Extended {
		return extendedError(b, h).Error()
	}
	g, r, err := decodeWKB(b[h.WKBOffset:])
	if err != nil {
		return fmt.Sprintf("%v: %v", ErrInvalidBlob, err)
	}
	var msgs []string
	if left := len(b) - h.WKBOffset - r.pos; left > 0 {
		msgs = append(msgs, fmt.Sprintf("%d bytes after the end of the WKB", left))
	}
	base := u32(b[h.WKBOffset+1:], b[h.WKBOffset] == 1) &^ (ewkbZ | ewkbM | ewkbSRID) % 1000
	if !typeAllowed(l.GeomType, base) {
		msgs = append(msgs, fmt.Sprintf("WKB type %d in a %s column", base, l.GeomType))
	}
	if int(h.SRSID) != l.SRSID {
		msgs = append(msgs, fmt.Sprintf("srs_id %d in the blob, the layer's is %d", h.SRSID, l.SRSID))
	}
	empty := isEmpty(g)
	switch {
	case h.Empty && !empty:
		msgs = append(msgs, "empty flag set on a geometry with coordinates")
	case !h.Empty && empty:
		msgs = append(msgs, "empty geometry without the empty flag")
	}
	if m := envelopeMismatch(h, g, r.curved); m != "" {
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}

// envelopeMismatch compares the header's envelope with the coordinates.
// A linearised curve's vertices lie on the curve, so for curves the
// envelope need only contain them.
func envelopeMismatch(h Header, g orb.Geometry, curved bool) string {
	if h.EnvelopeCode == 0 {
		return ""
	}
	bd, ok := geomBound(g)
	env := h.Envelope
	if !ok {
		if !math.IsNaN(env.Min[0]) {
			return fmt.Sprintf("envelope %v on an empty geometry (want NaN)", env)
		}
		return ""
	}
	tol := 1e-9 * max(1, math.Abs(bd.Min[0]), math.Abs(bd.Min[1]), math.Abs(bd.Max[0]), math.Abs(bd.Max[1]))
	got := [4]float64{env.Min[0], env.Min[1], env.Max[0], env.Max[1]}
	want := [4]float64{bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1]}
	for i := range got {
		d := got[i] - want[i]
		if i >= 2 {
			d = -d
		}
		// d > 0: the envelope cuts the geometry; d < 0: it is larger.
		if math.IsNaN(d) || d > tol || (!curved && d < -tol) {
			return fmt.Sprintf("envelope %v does not match the coordinates' bound %v", got, want)
		}
	}
	return ""
}

// subtypes lists the WKB base types each declared geometry type admits
// (GeoPackage Annex E: a column of a type holds that type and its subtypes).
var subtypes = map[string][]uint32{
	"POINT": {wkbPoint}, "LINESTRING": {wkbLineString}, "POLYGON": {wkbPolygon},
	"MULTIPOINT": {wkbMultiPoint}, "MULTILINESTRING": {wkbMultiLineString}, "MULTIPOLYGON": {wkbMultiPolygon},
	"GEOMETRYCOLLECTION": {wkbGeometryCollection, wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon, wkbMultiCurve, wkbMultiSurface},
	"CIRCULARSTRING":     {wkbCircularString},
	"COMPOUNDCURVE":      {wkbCompoundCurve},
	"CURVEPOLYGON":       {wkbCurvePolygon, wkbPolygon},
	"MULTICURVE":         {wkbMultiCurve, wkbMultiLineString},
	"MULTISURFACE":       {wkbMultiSurface, wkbMultiPolygon},
	"CURVE":              {wkbLineString, wkbCircularString, wkbCompoundCurve},
	"SURFACE":            {wkbPolygon, wkbCurvePolygon},
}

func typeAllowed(declared string, base uint32) bool {
	allowed, known := subtypes[declared]
	return !known || slices.Contains(allowed, base)
}
