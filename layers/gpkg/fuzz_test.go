package gpkg

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

// fuzzSeeds returns blobs of every fixture in several encodings.
func fuzzSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, fx := range loadFixtures(tb) {
		if b, err := EncodeGeometry(fx.geom, 4550); err == nil {
			seeds = append(seeds, b)
		}
		o := wkbOpts{order: binary.BigEndian, hasZ: true, hasM: true}
		seeds = append(seeds, testBlob(fx.geom, o, 4, false))
		o = wkbOpts{order: binary.LittleEndian, hasZ: true, ewkb: true, srid: true}
		seeds = append(seeds, testBlob(fx.geom, o, 2, false))
	}
	return seeds
}

func FuzzDecodeGeometry(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := DecodeGeometry(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidBlob) {
				t.Fatalf("error %v is not ErrInvalidBlob", err)
			}
			return
		}
		if _, err := ParseHeader(b); err != nil {
			t.Fatalf("DecodeGeometry accepted a blob ParseHeader rejects: %v", err)
		}
		BlobBound(b)
		reencode(t, g.Geom)
	})
}

func FuzzDecodeWKB(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		if h, err := ParseHeader(s); err == nil {
			f.Add(s[h.WKBOffset:])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, _, _, err := DecodeWKB(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidWKB) {
				t.Fatalf("error %v is not ErrInvalidWKB", err)
			}
			return
		}
		reencode(t, g)
	})
}

// reencode checks that a decoded geometry encodes and decodes to itself.
func reencode(t *testing.T, g orb.Geometry) {
	w, err := EncodeWKB(g)
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	back, _, _, err := DecodeWKB(w)
	if err != nil || !sameGeom(back, g) {
		t.Fatalf("round trip of a decoded geometry: %v", err)
	}
}
