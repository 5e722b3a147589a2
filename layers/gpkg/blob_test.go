package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestRoundTrip(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			blob, err := EncodeGeometry(fx.geom, 4550)
			if err != nil {
				t.Fatal(err)
			}
			g, err := DecodeGeometry(blob)
			if err != nil {
				t.Fatal(err)
			}
			if !sameGeom(g.Geom, fx.geom) || g.SRSID != 4550 || g.HasZ || g.HasM {
				t.Fatalf("decoded %#v srs %d, want %s", g.Geom, g.SRSID, fx.wkt)
			}
			h, err := ParseHeader(blob)
			if err != nil {
				t.Fatal(err)
			}
			checkEncodedHeader(t, h, fx.geom)
		})
	}
}

// checkEncodedHeader checks what EncodeGeometry promises: little-endian,
// empty flag and no envelope for empty geometries and points, code 1 else.
func checkEncodedHeader(t *testing.T, h Header, g orb.Geometry) {
	t.Helper()
	empty := isEmpty(g)
	_, point := g.(orb.Point)
	wantCode := 1
	if empty || point {
		wantCode = 0
	}
	if !h.LittleEndian || h.Empty != empty || h.EnvelopeCode != wantCode || h.Extended || h.Version != 0 {
		t.Fatalf("header %+v, want little-endian, empty=%v, envelope %d", h, empty, wantCode)
	}
	if wantCode == 1 && h.Envelope != g.Bound() {
		t.Fatalf("envelope %v, want %v", h.Envelope, g.Bound())
	}
}

// TestDecodeVariants decodes every fixture in both byte orders, every
// envelope code and every ISO/EWKB dimension.
func TestDecodeVariants(t *testing.T) {
	dims := []struct {
		name       string
		hasZ, hasM bool
	}{{"xy", false, false}, {"xyz", true, false}, {"xym", false, true}, {"xyzm", true, true}}
	orders := []byteOrder{binary.LittleEndian, binary.BigEndian}
	for _, fx := range loadFixtures(t) {
		for _, order := range orders {
			for _, d := range dims {
				for _, ewkb := range []bool{false, true} {
					for env := 0; env <= 4; env++ {
						name := fmt.Sprintf("%s/%v/%s/ewkb=%v/env%d", fx.name, order, d.name, ewkb, env)
						o := wkbOpts{order: order, hasZ: d.hasZ, hasM: d.hasM, ewkb: ewkb, srid: ewkb}
						t.Run(name, func(t *testing.T) { checkVariant(t, fx, o, env) })
					}
				}
			}
		}
	}
}

func checkVariant(t *testing.T, fx fixture, o wkbOpts, env int) {
	empty := isEmpty(fx.geom)
	if empty && env > 0 {
		env = 0
	}
	blob := testBlob(fx.geom, o, env, empty)
	g, err := DecodeGeometry(blob)
	if err != nil {
		t.Fatal(err)
	}
	wantZ, wantM := o.hasZ, o.hasM
	if !sameGeom(g.Geom, fx.geom) || g.HasZ != wantZ || g.HasM != wantM || g.Empty != empty || g.SRSID != 4550 {
		t.Fatalf("got %#v z=%v m=%v empty=%v srs=%d", g.Geom, g.HasZ, g.HasM, g.Empty, g.SRSID)
	}
	h, err := ParseHeader(blob)
	if err != nil || h.EnvelopeCode != env || h.LittleEndian != (o.order == binary.LittleEndian) {
		t.Fatalf("header %+v, %v", h, err)
	}
	if env > 0 && h.Envelope != fx.geom.Bound() {
		t.Fatalf("envelope %v, want %v", h.Envelope, fx.geom.Bound())
	}
}

func TestEncodeWKBMatchesTestEncoder(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			got, err := EncodeWKB(fx.geom)
			if err != nil {
				t.Fatal(err)
			}
			if want := testWKB(fx.geom, wkbOpts{order: binary.LittleEndian}); string(got) != string(want) {
				t.Fatalf("EncodeWKB = %x\nwant %x", got, want)
			}
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	deep := orb.Geometry(orb.Point{1, 2})
	for range maxDepth + 2 {
		deep = orb.Collection{deep}
	}
	for name, g := range map[string]orb.Geometry{"nil": nil, "too deep": deep} {
		t.Run(name, func(t *testing.T) {
			if _, err := EncodeGeometry(g, 0); !errors.Is(err, ErrInvalidWKB) {
				t.Fatalf("err = %v, want ErrInvalidWKB", err)
			}
		})
	}
}

// TestBadBlobs feeds malformed blobs and WKB; each must fail with the right
// sentinel and never panic.
func TestBadBlobs(t *testing.T) {
	good, _ := EncodeGeometry(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, 4326)
	le := binary.LittleEndian
	hugeCount := append([]byte{'G', 'P', 0, 1, 0, 0, 0, 0, 1}, le.AppendUint32(nil, wkbLineString)...)
	hugeCount = le.AppendUint32(hugeCount, 0xffffffff)
	deep := []byte{'G', 'P', 0, 1, 0, 0, 0, 0}
	for range 100 {
		deep = append(append(deep, 1), le.AppendUint32(le.AppendUint32(nil, wkbGeometryCollection), 1)...)
	}
	extended := append([]byte{'G', 'P', 0, 1 | flagExtended, 0, 0, 0, 0}, "ABCDpayload"...)
	cases := []struct {
		name string
		blob []byte
		want error
	}{
		{"nil", nil, ErrInvalidBlob},
		{"short", []byte("GP"), ErrInvalidBlob},
		{"magic", append([]byte("XP"), good[2:]...), ErrInvalidBlob},
		{"envelope code 5", append([]byte{'G', 'P', 0, 5<<1 | 1}, good[4:]...), ErrInvalidBlob},
		{"envelope truncated", good[:20], ErrInvalidBlob},
		{"wkb truncated", good[:len(good)-3], ErrInvalidWKB},
		{"wkb missing", good[:40], ErrInvalidWKB},
		{"bad byte order", append(append([]byte{}, good[:40]...), 7, 3, 0, 0, 0), ErrInvalidWKB},
		{"unknown type", append(append([]byte{}, good[:40]...), 1, 99, 0, 0, 0), ErrInvalidWKB},
		{"curve type", append(append([]byte{}, good[:40]...), 1, 8, 0, 0, 0), ErrInvalidWKB},
		{"huge count", hugeCount, ErrInvalidWKB},
		{"deep nesting", deep, ErrInvalidWKB},
		{"multipoint holding a line", multiWrong(), ErrInvalidWKB},
		{"extended", extended, ErrInvalidBlob},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := DecodeGeometry(c.blob); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func multiWrong() []byte {
	w := testWKB(orb.Collection{orb.LineString{{0, 0}, {1, 1}}}, wkbOpts{order: binary.LittleEndian})
	w[1] = wkbMultiPoint
	return append([]byte{'G', 'P', 0, 1, 0, 0, 0, 0}, w...)
}

func TestEmptyPointIsNaN(t *testing.T) {
	blob, err := EncodeGeometry(orb.Point{math.NaN(), math.NaN()}, 4326)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := ParseHeader(blob)
	x := math.Float64frombits(binary.LittleEndian.Uint64(blob[h.WKBOffset+5:]))
	if !h.Empty || !math.IsNaN(x) {
		t.Fatalf("header %+v x %v, want empty flag and NaN coordinates", h, x)
	}
}

func TestParseHeaderDoesNotAllocate(t *testing.T) {
	blob, _ := EncodeGeometry(orb.LineString{{0, 0}, {1, 1}}, 4550)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseHeader(blob); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("ParseHeader allocates %v times per call", allocs)
	}
}

func TestDecodeAllocatesOnlyResult(t *testing.T) {
	blob, _ := EncodeGeometry(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, 4550)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := DecodeGeometry(blob); err != nil {
			t.Fatal(err)
		}
	})
	// The polygon slice, its ring, and the interface boxing of the result.
	if allocs > 3 {
		t.Fatalf("DecodeGeometry allocates %v times for a one-ring polygon", allocs)
	}
}
