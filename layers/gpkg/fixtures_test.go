package gpkg

import (
	"bufio"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// fixture is one named WKT geometry of testdata/fixtures.wkt.
type fixture struct {
	name, wkt string
	geom      orb.Geometry
}

func loadFixtures(tb testing.TB) []fixture {
	tb.Helper()
	f, err := os.Open("testdata/fixtures.wkt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []fixture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, text, _ := strings.Cut(line, "\t")
		out = append(out, fixture{name: name, wkt: text, geom: parseWKT(tb, text)})
	}
	return out
}

// parseWKT parses WKT, with POINT EMPTY (which orb's parser lacks) as a
// point of NaN coordinates.
func parseWKT(tb testing.TB, s string) orb.Geometry {
	tb.Helper()
	if strings.EqualFold(s, "POINT EMPTY") {
		return orb.Point{math.NaN(), math.NaN()}
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		tb.Fatalf("fixture %q: %v", s, err)
	}
	return g
}

// byteOrder is what binary.LittleEndian and binary.BigEndian both are.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// wkbOpts selects the variant a test encoder writes.
type wkbOpts struct {
	order      byteOrder
	hasZ, hasM bool
	ewkb       bool // PostGIS flags instead of ISO offsets
	srid       bool // EWKB SRID word
}

// testWKB writes g in any byte order and dimension, with z = x+y and m = 7:
// an encoder independent of EncodeWKB.
func testWKB(g orb.Geometry, o wkbOpts) []byte {
	var b []byte
	head := func(t uint32, n int) {
		if o.order == binary.BigEndian {
			b = append(b, 0)
		} else {
			b = append(b, 1)
		}
		switch {
		case o.ewkb:
			if o.hasZ {
				t |= ewkbZ
			}
			if o.hasM {
				t |= ewkbM
			}
			if o.srid {
				t |= ewkbSRID
			}
		case o.hasZ && o.hasM:
			t += 3000
		case o.hasZ:
			t += 1000
		case o.hasM:
			t += 2000
		}
		b = o.order.AppendUint32(b, t)
		if o.ewkb && o.srid {
			b = o.order.AppendUint32(b, 4550)
		}
		if n >= 0 {
			b = o.order.AppendUint32(b, uint32(n))
		}
	}
	f := func(v float64) { b = o.order.AppendUint64(b, math.Float64bits(v)) }
	pts := func(ps []orb.Point) {
		for _, p := range ps {
			f(p[0])
			f(p[1])
			if o.hasZ {
				f(p[0] + p[1])
			}
			if o.hasM {
				f(7)
			}
		}
	}
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
			head(wkbPoint, -1)
			pts([]orb.Point{g})
		case orb.LineString:
			head(wkbLineString, len(g))
			pts(g)
		case orb.Polygon:
			head(wkbPolygon, len(g))
			for _, r := range g {
				b = o.order.AppendUint32(b, uint32(len(r)))
				pts(r)
			}
		case orb.MultiPoint:
			head(wkbMultiPoint, len(g))
			for _, p := range g {
				walk(p)
			}
		case orb.MultiLineString:
			head(wkbMultiLineString, len(g))
			for _, l := range g {
				walk(l)
			}
		case orb.MultiPolygon:
			head(wkbMultiPolygon, len(g))
			for _, p := range g {
				walk(p)
			}
		case orb.Collection:
			head(wkbGeometryCollection, len(g))
			for _, m := range g {
				walk(m)
			}
		}
	}
	walk(g)
	return b
}

// testBlob wraps WKB in a GeoPackageBinary header with the given envelope
// code (0-4) in the given byte order.
func testBlob(g orb.Geometry, o wkbOpts, envCode int, empty bool) []byte {
	flags := byte(envCode << 1)
	if o.order == binary.LittleEndian {
		flags |= flagLittleEndian
	}
	if empty {
		flags |= flagEmpty
	}
	b := []byte{'G', 'P', 0, flags}
	b = o.order.AppendUint32(b, uint32(4550))
	bd := g.Bound()
	env := []float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]}
	switch envCode {
	case 2, 3:
		env = append(env, -1, 1)
	case 4:
		env = append(env, -1, 1, 0, 7)
	}
	if envCode > 0 {
		for _, v := range env {
			b = o.order.AppendUint64(b, math.Float64bits(v))
		}
	}
	return append(b, testWKB(g, o)...)
}

// sameGeom compares geometries treating any NaN as equal to any NaN.
func sameGeom(a, b orb.Geometry) bool {
	wa, errA := EncodeWKB(canonNaN(a))
	wb, errB := EncodeWKB(canonNaN(b))
	return errA == nil && errB == nil && string(wa) == string(wb)
}

// canonNaN gives the NaN coordinates of points one bit pattern (GDAL's
// empty point NaN differs from Go's math.NaN).
func canonNaN(g orb.Geometry) orb.Geometry {
	fix := func(p orb.Point) orb.Point {
		for i := range p {
			if math.IsNaN(p[i]) {
				p[i] = math.NaN()
			}
		}
		return p
	}
	switch g := g.(type) {
	case orb.Point:
		return fix(g)
	case orb.MultiPoint:
		out := make(orb.MultiPoint, len(g))
		for i, p := range g {
			out[i] = fix(p)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, m := range g {
			out[i] = canonNaN(m)
		}
		return out
	}
	return g
}
