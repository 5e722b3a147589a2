package terrain

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// TIFF tags used by the reader and writer.
const (
	tagWidth          = 256
	tagHeight         = 257
	tagBitsPerSample  = 258
	tagCompression    = 259
	tagPhotometric    = 262
	tagStripOffsets   = 273
	tagSamplesPerPx   = 277
	tagRowsPerStrip   = 278
	tagStripBytes     = 279
	tagPlanarConfig   = 284
	tagPredictor      = 317
	tagTileWidth      = 322
	tagTileLength     = 323
	tagTileOffsets    = 324
	tagTileBytes      = 325
	tagSampleFormat   = 339
	tagPixelScale     = 33550
	tagTiepoint       = 33922
	tagTransformation = 34264
	tagGeoKeys        = 34735
	tagGeoDoubles     = 34736
	tagGeoASCII       = 34737
	tagGDALNoData     = 42113
)

// ifdEntry is one decoded IFD field: numbers as float64 (exact for integers
// below 2^53) or the ASCII text.
type ifdEntry struct {
	nums []float64
	text string
}

type tiffFile struct {
	name  string
	data  []byte
	order binary.ByteOrder
	big   bool
	tags  map[uint16]ifdEntry
}

// ReadGeoTIFF reads band 1 of a GeoTIFF file.
func ReadGeoTIFF(path string) (*Grid, error) {
	return readGeoTIFF(context.Background(), path)
}

func readGeoTIFF(ctx context.Context, path string) (*Grid, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("terrain: read %s: %w", path, err)
	}
	return decodeGeoTIFF(ctx, path, b, 0, 0)
}

// DecodeGeoTIFF decodes band 1 of an in-memory GeoTIFF; name is used in errors.
func DecodeGeoTIFF(name string, b []byte) (*Grid, error) {
	return decodeGeoTIFF(context.Background(), name, b, 0, 0)
}

// decodeGeoTIFF is DecodeGeoTIFF refusing (ErrTooLarge) an image wider than
// maxW or taller than maxH pixels (0: no limit) before decoding pixels,
// and stopping between blocks when ctx is done.
func decodeGeoTIFF(ctx context.Context, name string, b []byte, maxW, maxH int) (*Grid, error) {
	t, l, g, err := parseGeoTIFF(name, b, maxW, maxH)
	if err != nil {
		return nil, err
	}
	g.Data = make([]float32, l.width*l.height)
	if err := t.readPixels(ctx, l, g.Data, g.fill()); err != nil {
		return nil, err
	}
	return g, nil
}

// parseGeoTIFF reads the header, layout and georeferencing of b, checking
// every block of band 1 (checkBlocks), and returns the grid without Data.
func parseGeoTIFF(name string, b []byte, maxW, maxH int) (*tiffFile, layout, *Grid, error) {
	t := &tiffFile{name: name, data: b, tags: map[uint16]ifdEntry{}}
	if err := t.parseHeader(); err != nil {
		return nil, layout{}, nil, err
	}
	if w, h := int(t.num(tagWidth, 0)), int(t.num(tagHeight, 0)); (maxW > 0 && w > maxW) || (maxH > 0 && h > maxH) {
		return nil, layout{}, nil, fmt.Errorf("%w: %s: tile of %d x %d pixels, larger than the tile matrix's %d x %d", ErrTooLarge, name, w, h, maxW, maxH)
	}
	l, err := t.layout()
	if err != nil {
		return nil, l, nil, err
	}
	g := &Grid{Width: l.width, Height: l.height}
	if err := t.georef(g); err != nil {
		return nil, l, nil, err
	}
	if e, ok := t.tags[tagGDALNoData]; ok {
		s := strings.TrimSpace(strings.TrimRight(e.text, "\x00"))
		v, perr := strconv.ParseFloat(s, 64)
		if perr != nil && !strings.EqualFold(s, "nan") {
			return nil, l, nil, fmt.Errorf("%w: %s: GDAL_NODATA tag 42113 %q", ErrFormat, name, s)
		}
		if perr != nil {
			v = math.NaN()
		}
		g.HasNoData, g.NoData = true, v
	}
	return t, l, g, nil
}

// fill is the value of pixels in sparse blocks: nodata, else 0.
func (g *Grid) fill() float32 {
	if g.HasNoData {
		return float32(g.NoData)
	}
	return 0
}

func (t *tiffFile) errf(format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, t.name, fmt.Sprintf(format, a...))
}

func (t *tiffFile) unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrUnsupported, t.name, fmt.Sprintf(format, a...))
}

func (t *tiffFile) parseHeader() error {
	b := t.data
	if len(b) < 8 {
		return t.errf("too short for a TIFF header")
	}
	switch string(b[:2]) {
	case "II":
		t.order = binary.LittleEndian
	case "MM":
		t.order = binary.BigEndian
	default:
		return t.errf("not a TIFF file (byte order mark %q)", b[:2])
	}
	var off uint64
	switch t.order.Uint16(b[2:]) {
	case 42:
		off = uint64(t.order.Uint32(b[4:]))
	case 43:
		if len(b) < 16 {
			return t.errf("truncated BigTIFF header")
		}
		t.big = true
		off = t.order.Uint64(b[8:])
	default:
		return t.errf("bad TIFF magic %d", t.order.Uint16(b[2:]))
	}
	return t.parseIFD(off)
}

func (t *tiffFile) parseIFD(off uint64) error {
	b := t.data
	n, entSize, cntSize := uint64(0), uint64(12), uint64(2)
	if t.big {
		entSize, cntSize = 20, 8
	}
	if off+cntSize > uint64(len(b)) || off < 8 {
		return t.errf("IFD offset %d outside the file", off)
	}
	if t.big {
		n = t.order.Uint64(b[off:])
	} else {
		n = uint64(t.order.Uint16(b[off:]))
	}
	if n > 4096 || off+cntSize+n*entSize > uint64(len(b)) {
		return t.errf("IFD with %d entries does not fit the file", n)
	}
	for i := uint64(0); i < n; i++ {
		if err := t.parseEntry(b[off+cntSize+i*entSize:]); err != nil {
			return err
		}
	}
	return nil
}

// fieldKind is the class of field types a tag the reader uses accepts,
// as libtiff converts them.
type fieldKind int

const (
	integerField fieldKind = iota // BYTE, SHORT, LONG, LONG8 and the signed ones
	numberField                   // any integer, RATIONAL, FLOAT or DOUBLE
	shortField                    // SHORT only (the GeoKey directory)
	asciiField                    // ASCII only
)

func (k fieldKind) accepts(typ uint16) bool {
	switch k {
	case asciiField:
		return typ == 2
	case shortField:
		return typ == 3
	case numberField:
		return typ != 2 && typ != 7
	}
	return typ != 2 && typ != 7 && typ != 5 && typ != 10 && typ != 11 && typ != 12
}

func (k fieldKind) String() string {
	return [...]string{"an integer type", "a numeric type", "SHORT", "ASCII"}[k]
}

// tagKinds are the tags the reader uses and the field types each accepts.
var tagKinds = map[uint16]fieldKind{
	tagWidth: integerField, tagHeight: integerField, tagBitsPerSample: integerField, tagCompression: integerField,
	tagStripOffsets: integerField, tagSamplesPerPx: integerField, tagRowsPerStrip: integerField, tagStripBytes: integerField,
	tagPlanarConfig: integerField, tagPredictor: integerField, tagTileWidth: integerField, tagTileLength: integerField,
	tagTileOffsets: integerField, tagTileBytes: integerField, tagSampleFormat: integerField,
	tagPixelScale: numberField, tagTiepoint: numberField, tagTransformation: numberField, tagGeoDoubles: numberField,
	tagGeoKeys: shortField, tagGeoASCII: asciiField, tagGDALNoData: asciiField,
}

var typeSize = map[uint16]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8}

func (t *tiffFile) parseEntry(e []byte) error {
	tag, typ := t.order.Uint16(e), t.order.Uint16(e[2:])
	size, ok := typeSize[typ]
	if want, used := tagKinds[tag]; used && (!ok || !want.accepts(typ)) {
		return t.errf("tag %d has field type %d (want %s)", tag, typ, want)
	}
	if !ok {
		return nil // unknown field types of unused tags are skipped, as the spec asks
	}
	var count uint64
	var valOff []byte
	inline := uint64(4)
	if t.big {
		count, valOff, inline = t.order.Uint64(e[4:]), e[12:20], 8
	} else {
		count, valOff = uint64(t.order.Uint32(e[4:])), e[8:12]
	}
	if count > uint64(len(t.data)) {
		return t.errf("tag %d claims %d values", tag, count)
	}
	total := count * size
	var raw []byte
	if total <= inline {
		raw = valOff[:total]
	} else {
		var off uint64
		if t.big {
			off = t.order.Uint64(valOff)
		} else {
			off = uint64(t.order.Uint32(valOff))
		}
		if off > uint64(len(t.data)) || total > uint64(len(t.data))-off {
			return t.errf("tag %d values outside the file", tag)
		}
		raw = t.data[off : off+total]
	}
	t.tags[tag] = t.decodeValues(typ, count, raw)
	return nil
}

func (t *tiffFile) decodeValues(typ uint16, count uint64, raw []byte) ifdEntry {
	if typ == 2 {
		return ifdEntry{text: string(raw)}
	}
	nums := make([]float64, count)
	o := t.order
	for i := range nums {
		switch typ {
		case 1, 7:
			nums[i] = float64(raw[i])
		case 6:
			nums[i] = float64(int8(raw[i]))
		case 3:
			nums[i] = float64(o.Uint16(raw[2*i:]))
		case 8:
			nums[i] = float64(int16(o.Uint16(raw[2*i:])))
		case 4:
			nums[i] = float64(o.Uint32(raw[4*i:]))
		case 9:
			nums[i] = float64(int32(o.Uint32(raw[4*i:])))
		case 5, 10:
			num, den := o.Uint32(raw[8*i:]), o.Uint32(raw[8*i+4:])
			if typ == 10 {
				nums[i] = float64(int32(num)) / float64(int32(den))
			} else {
				nums[i] = float64(num) / float64(den)
			}
		case 11:
			nums[i] = float64(math.Float32frombits(o.Uint32(raw[4*i:])))
		case 12:
			nums[i] = math.Float64frombits(o.Uint64(raw[8*i:]))
		case 16, 18:
			nums[i] = float64(o.Uint64(raw[8*i:]))
		case 17:
			nums[i] = float64(int64(o.Uint64(raw[8*i:])))
		}
	}
	return ifdEntry{nums: nums}
}

// num returns the first value of tag, or def when the tag is absent.
func (t *tiffFile) num(tag uint16, def float64) float64 {
	e, ok := t.tags[tag]
	if !ok || len(e.nums) == 0 {
		return def
	}
	return e.nums[0]
}
