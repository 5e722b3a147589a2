package transfer

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// marshalWKT writes g as WKT with every coordinate in the shortest decimal
// form that reads back to the same float64 (orb's writer uses %g, which
// switches to exponents for metre coordinates). nil is "".
func marshalWKT(g orb.Geometry) string {
	var b strings.Builder
	writeWKT(&b, g)
	return b.String()
}

func writeWKT(b *strings.Builder, g orb.Geometry) {
	switch g := g.(type) {
	case nil:
	case orb.Point:
		b.WriteString("POINT (")
		writeXY(b, g)
		b.WriteByte(')')
	case orb.MultiPoint:
		b.WriteString("MULTIPOINT ")
		writeList(b, len(g), func(i int) { b.WriteByte('('); writeXY(b, g[i]); b.WriteByte(')') })
	case orb.LineString:
		b.WriteString("LINESTRING ")
		writeSeq(b, g)
	case orb.MultiLineString:
		b.WriteString("MULTILINESTRING ")
		writeList(b, len(g), func(i int) { writeSeq(b, g[i]) })
	case orb.Ring:
		writeWKT(b, orb.Polygon{g})
	case orb.Polygon:
		b.WriteString("POLYGON ")
		writeRings(b, g)
	case orb.MultiPolygon:
		b.WriteString("MULTIPOLYGON ")
		writeList(b, len(g), func(i int) { writeRings(b, g[i]) })
	case orb.Collection:
		b.WriteString("GEOMETRYCOLLECTION ")
		writeList(b, len(g), func(i int) { writeWKT(b, g[i]) })
	case orb.Bound:
		writeWKT(b, g.ToPolygon())
	}
}

func writeList(b *strings.Builder, n int, item func(int)) {
	if n == 0 {
		b.WriteString("EMPTY")
		return
	}
	b.WriteByte('(')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		item(i)
	}
	b.WriteByte(')')
}

func writeSeq(b *strings.Builder, ps []orb.Point) {
	writeList(b, len(ps), func(i int) { writeXY(b, ps[i]) })
}

func writeRings(b *strings.Builder, p orb.Polygon) {
	writeList(b, len(p), func(i int) { writeSeq(b, p[i]) })
}

func writeXY(b *strings.Builder, p orb.Point) {
	b.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatFloat(p[1], 'f', -1, 64))
}
