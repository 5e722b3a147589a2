package shapefile

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

const (
	headerLen  = 100  // bytes in a .shp or .shx header
	fileCode   = 9994 // big-endian magic number at byte 0
	shpVersion = 1000
)

var (
	be = binary.BigEndian
	le = binary.LittleEndian
)

// header is the 100-byte header shared by .shp and .shx files.
type header struct {
	fileLen   int64 // bytes, from the 16-bit word count at byte 24
	shapeType ShapeType
	box       [8]float64 // xmin ymin xmax ymax zmin zmax mmin mmax
}

// parseHeader decodes the header of a .shp or .shx of len(b) bytes.
func parseHeader(b []byte) (header, error) { return parseHeaderSized(b, int64(len(b))) }

// parseHeaderSized decodes the header at the start of b, the first bytes
// of a .shp or .shx of size bytes.
func parseHeaderSized(b []byte, size int64) (header, error) {
	var h header
	if len(b) < headerLen {
		return h, fmt.Errorf("%w: header is %d bytes, want %d", ErrTruncated, len(b), headerLen)
	}
	if code := be.Uint32(b); code != fileCode {
		return h, fmt.Errorf("%w: file code %d, want %d", ErrFormat, code, fileCode)
	}
	h.fileLen = int64(be.Uint32(b[24:])) * 2
	h.shapeType = ShapeType(int32(le.Uint32(b[32:])))
	if h.shapeType.Base() < 0 {
		return h, fmt.Errorf("%w: unknown shape type %d", ErrFormat, int32(h.shapeType))
	}
	if h.fileLen > size {
		return h, fmt.Errorf("%w: header says %d bytes, file has %d", ErrTruncated, h.fileLen, size)
	}
	if h.fileLen < headerLen {
		return h, fmt.Errorf("%w: header says %d bytes, less than the header itself", ErrFormat, h.fileLen)
	}
	for i := range h.box {
		h.box[i] = math.Float64frombits(le.Uint64(b[36+8*i:]))
	}
	return h, nil
}

// span locates one record in a .shp: the offset of its 8-byte record header
// and the length of its content, both in bytes.
type span struct {
	offset, length int64
}

// shape is one decoded record of a .shp.
type shape struct {
	geom orb.Geometry
	z, m []float64
}

// decodeSHP decodes a whole .shp. With spans from the .shx it reads the
// records there (and checks that the .shp agrees); with nil it walks the
// records one after the other. Z and M are kept only with keepZM.
func decodeSHP(b []byte, spans []span, keepZM bool) (ShapeType, []shape, error) {
	h, err := parseHeader(b)
	if err != nil {
		return 0, nil, err
	}
	b = b[:h.fileLen]
	if spans == nil {
		if spans, err = walkSHP(b); err != nil {
			return 0, nil, err
		}
	} else if err := checkSpans(b, spans); err != nil {
		return 0, nil, err
	}
	shapes := make([]shape, len(spans))
	for i, s := range spans {
		c, err := recordContent(b, s, i)
		if err != nil {
			return 0, nil, err
		}
		if shapes[i], err = decodeShape(c, h.shapeType, keepZM); err != nil {
			return 0, nil, fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return h.shapeType, shapes, nil
}

// walkSHP finds the records of a .shp (header checked) by their headers.
func walkSHP(b []byte) ([]span, error) {
	var spans []span
	for pos := int64(headerLen); pos < int64(len(b)); {
		n := len(spans) + 1
		if int64(len(b))-pos < 8 {
			return nil, fmt.Errorf("%w: record %d: header cut off at byte %d", ErrTruncated, n, len(b))
		}
		length := int64(be.Uint32(b[pos+4:])) * 2
		if length > int64(len(b))-pos-8 {
			return nil, fmt.Errorf("%w: record %d at byte %d: content of %d bytes overruns the file (%d bytes left)",
				ErrTruncated, n, pos, length, int64(len(b))-pos-8)
		}
		spans = append(spans, span{pos, length})
		pos += 8 + length
	}
	return spans, nil
}

// checkSpans checks the .shx spans against the .shp b: when the records of
// b follow one another, the .shx must index as many; and its records
// together may not hold more bytes than b has (entries pointing many times
// at one big record would otherwise decode it again and again).
func checkSpans(b []byte, spans []span) error {
	if walked, err := walkSHP(b); err == nil && len(walked) != len(spans) {
		return fmt.Errorf("%w: the .shx indexes %d records, the .shp holds %d", ErrMismatch, len(spans), len(walked))
	}
	var total int64
	for _, s := range spans {
		total += 8 + min(s.length, int64(len(b)))
		if total > int64(len(b))-headerLen {
			return fmt.Errorf("%w: the .shx indexes %d records holding more than the %d bytes of the .shp",
				ErrMismatch, len(spans), len(b))
		}
	}
	return nil
}

// recordContent returns the content of record i (0-based) at s, checking
// that the record header there says the same length.
func recordContent(b []byte, s span, i int) ([]byte, error) {
	size := int64(len(b))
	if s.offset < headerLen || s.length < 0 || s.offset > size-8 || s.length > size-8-s.offset {
		return nil, fmt.Errorf("%w: record %d: .shx says %d bytes at byte %d, the .shp has %d bytes",
			ErrMismatch, i+1, s.length, s.offset, size)
	}
	if got := int64(be.Uint32(b[s.offset+4:])) * 2; got != s.length {
		return nil, fmt.Errorf("%w: record %d at byte %d: .shx says %d bytes, the .shp record header %d",
			ErrMismatch, i+1, s.offset, s.length, got)
	}
	if s.length < 4 {
		return nil, fmt.Errorf("%w: record %d: content of %d bytes has no shape type", ErrFormat, i+1, s.length)
	}
	return b[s.offset+8 : s.offset+8+s.length], nil
}

// decodeShape decodes the content c of one record of a file of type ft.
func decodeShape(c []byte, ft ShapeType, keepZM bool) (shape, error) {
	t := ShapeType(int32(le.Uint32(c)))
	if t == Null {
		return shape{}, nil
	}
	if t != ft {
		return shape{}, fmt.Errorf("%w: shape type %v in a %v file", ErrFormat, t, ft)
	}
	switch t.Base() {
	case Point:
		return decodePoint(c, t, keepZM)
	case MultiPoint:
		return decodeMultiPoint(c, t, keepZM)
	default:
		return decodePoly(c, t, keepZM)
	}
}

func decodePoint(c []byte, t ShapeType, keepZM bool) (shape, error) {
	want := 20 // type, x, y
	if t != Point {
		want += 8 // z for PointZ, m for PointM
	}
	if len(c) < want {
		return shape{}, fmt.Errorf("%w: %v of %d bytes, want %d", ErrTruncated, t, len(c), want)
	}
	s := shape{geom: orb.Point{f64(c, 4), f64(c, 12)}}
	if !keepZM {
		return s, nil
	}
	rest := c[20:]
	if t.HasZ() {
		s.z, rest = []float64{f64(rest, 0)}, rest[8:]
	}
	if len(rest) >= 8 {
		s.m = []float64{f64(rest, 0)}
	}
	return s, nil
}

func decodeMultiPoint(c []byte, t ShapeType, keepZM bool) (shape, error) {
	const fixed = 40 // type, box, count
	if len(c) < fixed {
		return shape{}, fmt.Errorf("%w: %v of %d bytes, want at least %d", ErrTruncated, t, len(c), fixed)
	}
	n := int64(int32(le.Uint32(c[36:])))
	pts, rest, err := readPoints(c[fixed:], n, t)
	if err != nil {
		return shape{}, err
	}
	z, m, err := readZM(rest, n, t, keepZM)
	if err != nil || n == 0 {
		return shape{}, err
	}
	return shape{geom: orb.MultiPoint(pts), z: z, m: m}, nil
}

func decodePoly(c []byte, t ShapeType, keepZM bool) (shape, error) {
	const fixed = 44 // type, box, part count, point count
	if len(c) < fixed {
		return shape{}, fmt.Errorf("%w: %v of %d bytes, want at least %d", ErrTruncated, t, len(c), fixed)
	}
	np, n := int64(int32(le.Uint32(c[36:]))), int64(int32(le.Uint32(c[40:])))
	if np < 0 || np > int64(len(c)-fixed)/4 {
		return shape{}, fmt.Errorf("%w: %d parts do not fit in %d bytes", ErrFormat, np, len(c))
	}
	parts, err := readParts(c[fixed:fixed+4*np], n)
	if err != nil {
		return shape{}, err
	}
	pts, rest, err := readPoints(c[fixed+4*np:], n, t)
	if err != nil {
		return shape{}, err
	}
	z, m, err := readZM(rest, n, t, keepZM)
	if err != nil || n == 0 {
		return shape{}, err
	}
	if t.Base() == PolyLine {
		return lines(pts, parts, z, m), nil
	}
	return polygons(pts, parts, z, m), nil
}

// readParts decodes the part start indexes; they must start at 0 and not
// decrease nor pass the point count n.
func readParts(b []byte, n int64) ([]int, error) {
	parts := make([]int, len(b)/4)
	prev := int64(0)
	for i := range parts {
		p := int64(int32(le.Uint32(b[4*i:])))
		if p < prev || p > n || (i == 0 && p != 0) {
			return nil, fmt.Errorf("%w: part %d starts at point %d (previous %d, %d points)", ErrFormat, i, p, prev, n)
		}
		parts[i], prev = int(p), p
	}
	if len(parts) == 0 && n > 0 {
		return nil, fmt.Errorf("%w: %d points in no part", ErrFormat, n)
	}
	return parts, nil
}

// readPoints decodes n XY points from the front of b.
func readPoints(b []byte, n int64, t ShapeType) ([]orb.Point, []byte, error) {
	if n < 0 || n > int64(len(b))/16 {
		return nil, nil, fmt.Errorf("%w: %d points do not fit in %d bytes of %v", ErrFormat, n, len(b), t)
	}
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{f64(b, 16*i), f64(b, 16*i+8)}
	}
	return pts, b[16*n:], nil
}

// readZM decodes the Z block (required for Z types) and the M block (when
// present in full) after the points; they are returned only with keep.
func readZM(b []byte, n int64, t ShapeType, keep bool) (z, m []float64, err error) {
	size := 16 + 8*n
	if t.HasZ() {
		if int64(len(b)) < size {
			return nil, nil, fmt.Errorf("%w: %v Z values need %d bytes, %d left", ErrTruncated, t, size, len(b))
		}
		if keep {
			z = readFloats(b[16:size])
		}
		b = b[size:]
	}
	if keep && t.HasM() && int64(len(b)) >= size {
		m = readFloats(b[16:size])
	}
	return z, m, nil
}

func readFloats(b []byte) []float64 {
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = f64(b, 8*i)
	}
	return v
}

func f64(b []byte, at int) float64 { return math.Float64frombits(le.Uint64(b[at:])) }

// partRange returns the points [start, end) of part i.
func partRange(parts []int, i, n int) (int, int) {
	if i+1 < len(parts) {
		return parts[i], parts[i+1]
	}
	return parts[i], n
}

// lines builds a LineString (one part) or MultiLineString from points.
func lines(pts []orb.Point, parts []int, z, m []float64) shape {
	var ml orb.MultiLineString
	for i := range parts {
		s, e := partRange(parts, i, len(pts))
		if e > s {
			ml = append(ml, orb.LineString(pts[s:e:e]))
		}
	}
	if len(ml) == 1 {
		return shape{geom: ml[0], z: z, m: m}
	}
	return shape{geom: ml, z: z, m: m}
}

// polygons builds a Polygon (one shell) or MultiPolygon, grouping the
// rings as organizeRings says and reordering Z and M to match.
func polygons(pts []orb.Point, parts []int, z, m []float64) shape {
	var rings []orb.Ring
	var starts []int
	for i := range parts {
		s, e := partRange(parts, i, len(pts))
		if e > s {
			rings, starts = append(rings, orb.Ring(pts[s:e:e])), append(starts, s)
		}
	}
	groups := organizeRings(rings)
	mp := make(orb.MultiPolygon, len(groups))
	var order []int // ring indexes in output order
	for i, g := range groups {
		for _, r := range g {
			mp[i] = append(mp[i], rings[r])
			order = append(order, r)
		}
	}
	sh := shape{geom: mp, z: regroup(z, rings, starts, order), m: regroup(m, rings, starts, order)}
	if len(mp) == 1 {
		sh.geom = mp[0]
	}
	return sh
}

// regroup reorders per-vertex values v to follow rings in order.
func regroup(v []float64, rings []orb.Ring, starts, order []int) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, 0, len(v))
	for _, r := range order {
		out = append(out, v[starts[r]:starts[r]+len(rings[r])]...)
	}
	return out
}

// decodeSHX decodes a .shx into the spans of the records it indexes.
func decodeSHX(b []byte) (ShapeType, []span, error) {
	h, err := parseHeader(b)
	if err != nil {
		return 0, nil, err
	}
	body := h.fileLen - headerLen
	if body%8 != 0 {
		return 0, nil, fmt.Errorf("%w: %d bytes of entries is not a multiple of 8", ErrFormat, body)
	}
	spans := make([]span, body/8)
	for i := range spans {
		e := b[headerLen+8*i:]
		spans[i] = span{int64(be.Uint32(e)) * 2, int64(be.Uint32(e[4:])) * 2}
	}
	return h.shapeType, spans, nil
}
