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
	e := &testEncoder{o: o}
	e.geometry(g)
	return e.b
}

type testEncoder struct {
	o wkbOpts
	b []byte
}

// typeWord returns the type code with ISO offsets or EWKB flags.
func (e *testEncoder) typeWord(t uint32) uint32 {
	o := e.o
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
	return t
}

// head writes byte order, type, EWKB SRID and, when n >= 0, a count.
func (e *testEncoder) head(t uint32, n int) {
	if e.o.order == binary.BigEndian {
		e.b = append(e.b, 0)
	} else {
		e.b = append(e.b, 1)
	}
	e.b = e.o.order.AppendUint32(e.b, e.typeWord(t))
	if e.o.ewkb && e.o.srid {
		e.b = e.o.order.AppendUint32(e.b, 4550)
	}
	if n >= 0 {
		e.b = e.o.order.AppendUint32(e.b, uint32(n))
	}
}

func (e *testEncoder) points(ps []orb.Point) {
	for _, p := range ps {
		vals := []float64{p[0], p[1]}
		if e.o.hasZ {
			vals = append(vals, p[0]+p[1])
		}
		if e.o.hasM {
			vals = append(vals, 7)
		}
		for _, v := range vals {
			e.b = e.o.order.AppendUint64(e.b, wkbBits(v))
		}
	}
}

func (e *testEncoder) geometry(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		e.head(wkbPoint, -1)
		e.points([]orb.Point{g})
	case orb.LineString:
		e.head(wkbLineString, len(g))
		e.points(g)
	case orb.Polygon:
		e.head(wkbPolygon, len(g))
		for _, r := range g {
			e.b = e.o.order.AppendUint32(e.b, uint32(len(r)))
			e.points(r)
		}
	case orb.MultiPoint:
		e.head(wkbMultiPoint, len(g))
		for _, p := range g {
			e.geometry(p)
		}
	case orb.MultiLineString:
		e.head(wkbMultiLineString, len(g))
		for _, l := range g {
			e.geometry(l)
		}
	case orb.MultiPolygon:
		e.head(wkbMultiPolygon, len(g))
		for _, p := range g {
			e.geometry(p)
		}
	case orb.Collection:
		e.head(wkbGeometryCollection, len(g))
		for _, m := range g {
			e.geometry(m)
		}
	}
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
