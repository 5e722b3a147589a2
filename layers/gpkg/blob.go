package gpkg

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Header is the decoded GeoPackageBinary header of a geometry blob.
// It is a plain value, safe for concurrent use.
type Header struct {
	Version      byte
	SRSID        int32
	Empty        bool
	Extended     bool
	LittleEndian bool
	// EnvelopeCode is 0 (none), 1 (xy), 2 (xyz), 3 (xym) or 4 (xyzm).
	EnvelopeCode int
	// Envelope holds the xy part of the envelope when EnvelopeCode > 0.
	Envelope orb.Bound
	// WKBOffset is where the WKB (or, for extended blobs, the 4-byte
	// extension code) starts.
	WKBOffset int
}

// Geometry is a decoded geometry blob. It is a plain value, safe for
// concurrent use once built.
type Geometry struct {
	Geom  orb.Geometry
	SRSID int32
	Empty bool
	HasZ  bool
	HasM  bool
	// Curved says the blob held curves (CircularString, CompoundCurve,
	// CurvePolygon, MultiCurve, MultiSurface) that Geom linearises.
	Curved bool
}

// Header flag bits (GeoPackage 1.4, clause 2.1.3.1.1).
const (
	flagLittleEndian = 0x01
	flagEnvelopeMask = 0x0e
	flagEmpty        = 0x10
	flagExtended     = 0x20
)

// envelopeDoubles is the number of float64 values of each envelope code.
var envelopeDoubles = [5]int{0, 4, 6, 6, 8}

// ParseHeader decodes the GeoPackageBinary header at the start of b. It does
// not allocate on success.
func ParseHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < 8 {
		return h, fmt.Errorf("%w: %d bytes is shorter than a header", ErrInvalidBlob, len(b))
	}
	if b[0] != 'G' || b[1] != 'P' {
		return h, fmt.Errorf("%w: bad magic %q", ErrInvalidBlob, b[:2])
	}
	flags := b[3]
	h.Version = b[2]
	h.LittleEndian = flags&flagLittleEndian != 0
	h.Empty = flags&flagEmpty != 0
	h.Extended = flags&flagExtended != 0
	h.EnvelopeCode = int(flags&flagEnvelopeMask) >> 1
	if h.EnvelopeCode > 4 {
		return h, fmt.Errorf("%w: envelope code %d", ErrInvalidBlob, h.EnvelopeCode)
	}
	le := h.LittleEndian
	h.SRSID = int32(u32(b[4:], le))
	h.WKBOffset = 8 + 8*envelopeDoubles[h.EnvelopeCode]
	if len(b) < h.WKBOffset {
		return h, fmt.Errorf("%w: envelope code %d needs %d bytes, blob has %d", ErrInvalidBlob, h.EnvelopeCode, h.WKBOffset, len(b))
	}
	if h.EnvelopeCode > 0 {
		h.Envelope = orb.Bound{
			Min: orb.Point{f64(b[8:], le), f64(b[24:], le)},
			Max: orb.Point{f64(b[16:], le), f64(b[32:], le)},
		}
	}
	return h, nil
}

func u32(b []byte, le bool) uint32 {
	if le {
		return binary.LittleEndian.Uint32(b)
	}
	return binary.BigEndian.Uint32(b)
}

func f64(b []byte, le bool) float64 {
	if le {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b))
}

// DecodeGeometry decodes a GeoPackageBinary blob. Extended blobs (a
// GeoPackage extension's own payload) are reported as ErrInvalidBlob naming
// the extension code.
func DecodeGeometry(b []byte) (Geometry, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return Geometry{}, err
	}
	if h.Extended {
		return Geometry{SRSID: h.SRSID, Empty: h.Empty}, extendedError(b, h)
	}
	g, r, err := decodeWKB(b[h.WKBOffset:])
	if err != nil {
		return Geometry{}, fmt.Errorf("%w: %w", ErrInvalidBlob, err)
	}
	return Geometry{Geom: g, SRSID: h.SRSID, Empty: h.Empty || isEmpty(g), HasZ: r.hasZ, HasM: r.hasM, Curved: r.curved}, nil
}

func extendedError(b []byte, h Header) error {
	if len(b) < h.WKBOffset+4 {
		return fmt.Errorf("%w: extended blob without an extension code", ErrInvalidBlob)
	}
	return fmt.Errorf("%w: extended blob with unsupported extension code %q", ErrInvalidBlob, b[h.WKBOffset:h.WKBOffset+4])
}

// EncodeGeometry encodes g as a little-endian GeoPackageBinary blob: no
// envelope for points, an xy envelope (code 1) otherwise, and the empty flag
// with no envelope for empty geometries (an empty point is a point with NaN
// coordinates).
func EncodeGeometry(g orb.Geometry, srsID int32) ([]byte, error) {
	n, err := wkbSize(g, 0)
	if err != nil {
		return nil, err
	}
	empty := isEmpty(g)
	flags := byte(flagLittleEndian)
	head := 8
	_, point := g.(orb.Point)
	switch {
	case empty:
		flags |= flagEmpty
	case !point:
		flags |= 1 << 1
		head += 32
	}
	b := make([]byte, 0, head+n)
	b = append(b, 'G', 'P', 0, flags)
	b = binary.LittleEndian.AppendUint32(b, uint32(srsID))
	if head > 8 {
		bd, _ := geomBound(g)
		for _, v := range [4]float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	return appendWKB(b, g), nil
}

// IsEmpty reports whether g has no coordinates at all (the GeoPackage empty
// flag; R-trees leave such rows out).
func IsEmpty(g orb.Geometry) bool { return isEmpty(g) }

// isEmpty reports whether g has no coordinates at all.
func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case nil:
		return true
	case orb.Point:
		return math.IsNaN(g[0]) && math.IsNaN(g[1])
	case orb.MultiPoint:
		for _, p := range g {
			if !isEmpty(p) {
				return false
			}
		}
		return true
	case orb.LineString:
		return len(g) == 0
	case orb.Ring:
		return len(g) == 0
	case orb.Polygon:
		for _, r := range g {
			if len(r) > 0 {
				return false
			}
		}
		return true
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) > 0 {
				return false
			}
		}
		return true
	case orb.MultiPolygon:
		for _, p := range g {
			if !isEmpty(p) {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, m := range g {
			if !isEmpty(m) {
				return false
			}
		}
		return true
	}
	return false
}
