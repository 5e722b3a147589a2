package terrain

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"lantu/layers/crs"
)

// SampleType selects the GeoTIFF sample type written (an immutable value).
type SampleType int

// Written sample types.
const (
	Float32 SampleType = iota
	Byte               // values rounded to the nearest integer and clamped to 0..255, as GDAL does
)

type outTag struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

// WriteGeoTIFF writes g as a single-band, uncompressed, stripped GeoTIFF with
// the same georeferencing keys and GDAL_NODATA tag gdaldem writes.
func WriteGeoTIFF(path string, g *Grid, st SampleType) error {
	b, err := EncodeGeoTIFF(g, st)
	if err != nil {
		return fmt.Errorf("terrain: write %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("terrain: write %s: %w", path, err)
	}
	return nil
}

// EncodeGeoTIFF returns the GeoTIFF bytes WriteGeoTIFF writes.
func EncodeGeoTIFF(g *Grid, st SampleType) ([]byte, error) {
	return encodeGeoTIFF(g, st, false)
}

// EncodeLZWGeoTIFF returns a Float32 GeoTIFF compressed with LZW and the
// floating-point predictor (3), as GDAL writes with COMPRESS=LZW
// PREDICTOR=3: the encoding of stored coverage tiles (the GeoPackage
// coverage extension allows no compression or LZW).
func EncodeLZWGeoTIFF(g *Grid) ([]byte, error) {
	return encodeGeoTIFF(g, Float32, true)
}

func encodeGeoTIFF(g *Grid, st SampleType, lzw bool) ([]byte, error) {
	if g.Width <= 0 || g.Height <= 0 || len(g.Data) != g.Width*g.Height {
		return nil, fmt.Errorf("%w: grid %d x %d with %d values", ErrFormat, g.Width, g.Height, len(g.Data))
	}
	pix := encodePixels(g, st)
	compression := uint16(1)
	if lzw && st == Float32 {
		pix, compression = lzwEncode(predictFloatRows(pix, g.Width)), 5
	}
	tags, err := geoTIFFTags(g, st, compression)
	if err != nil {
		return nil, err
	}
	tags = append(tags, outTag{tagRowsPerStrip, 4, 1, le32s(uint32(g.Height))},
		outTag{tagStripBytes, 4, 1, le32s(uint32(len(pix)))}, outTag{tagStripOffsets, 4, 1, le32s(0)})
	if compression == 5 {
		tags = append(tags, outTag{tagPredictor, 3, 1, le16s([]uint16{3})})
	}
	return layoutTIFF(tags, pix), nil
}

// geoTIFFTags are the tags of a single-band g in st but those of its
// strips: size, sample type, georeferencing, GeoKeys and GDAL_NODATA, as
// gdaldem writes them. g.Data is not used.
func geoTIFFTags(g *Grid, st SampleType, compression uint16) ([]outTag, error) {
	bps, sf := uint16(32), uint16(3)
	if st == Byte {
		bps, sf = 8, 1
	}
	short := func(v uint16) []byte { return le16s([]uint16{v}) }
	tags := []outTag{
		{tagWidth, 4, 1, le32s(uint32(g.Width))}, {tagHeight, 4, 1, le32s(uint32(g.Height))},
		{tagBitsPerSample, 3, 1, short(bps)}, {tagCompression, 3, 1, short(compression)},
		{tagPhotometric, 3, 1, short(1)}, {tagSamplesPerPx, 3, 1, short(1)},
		{tagPlanarConfig, 3, 1, short(1)}, {tagSampleFormat, 3, 1, short(sf)},
	}
	gt := g.GeoTransform
	if gt != [6]float64{0, 1, 0, 0, 0, 1} {
		if gt[2] != 0 || gt[4] != 0 {
			return nil, fmt.Errorf("%w: rotated geotransform", ErrUnsupported)
		}
		tags = append(tags, outTag{tagPixelScale, 12, 3, le64fs(gt[1], -gt[5], 0)},
			outTag{tagTiepoint, 12, 6, le64fs(0, 0, 0, gt[0], gt[3], 0)})
	}
	geo, err := geoKeyTags(g)
	if err != nil {
		return nil, err
	}
	tags = append(tags, geo...)
	if g.HasNoData {
		s := strconv.FormatFloat(g.NoData, 'g', -1, 64) + "\x00"
		tags = append(tags, outTag{tagGDALNoData, 2, uint32(len(s)), []byte(s)})
	}
	return tags, nil
}

func le32s(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return b
}

func le64fs(v ...float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

// geoKeyTags are the GeoKey directory and parameter tags for g: its own
// GeoKeys verbatim (the raster type set to PixelIsArea, as the tiepoint
// written is), else keys naming its EPSG code, else none.
func geoKeyTags(g *Grid) ([]outTag, error) {
	le := binary.LittleEndian
	if g.GeoKeys == nil {
		keys := geoKeyDir(g.EPSG)
		if keys == nil {
			return nil, nil
		}
		return []outTag{{tagGeoKeys, 3, uint32(len(keys)), le16s(keys)}}, nil
	}
	k := g.GeoKeys.forArea()
	if tag, msg := k.check(); tag != 0 {
		return nil, fmt.Errorf("%w: GeoKey tag %d: %s", ErrFormat, tag, msg)
	}
	tags := []outTag{{tagGeoKeys, 3, uint32(len(k.Directory)), le16s(k.Directory)}}
	if len(k.Doubles) > 0 {
		b := make([]byte, 8*len(k.Doubles))
		for i, x := range k.Doubles {
			le.PutUint64(b[8*i:], math.Float64bits(x))
		}
		tags = append(tags, outTag{tagGeoDoubles, 12, uint32(len(k.Doubles)), b})
	}
	if len(k.ASCII) > 0 {
		tags = append(tags, outTag{tagGeoASCII, 2, uint32(len(k.ASCII)), []byte(k.ASCII)})
	}
	return tags, nil
}

func le16s(v []uint16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return b
}

func geoKeyDir(epsg int) []uint16 {
	if epsg <= 0 || epsg > 65535 {
		return nil
	}
	model, key := uint16(1), uint16(keyProjectedType)
	if d, err := crs.Lookup(epsg); err == nil && d.Geographic {
		model, key = 2, keyGeographicType
	}
	return []uint16{1, 1, 0, 3, keyModelType, 0, 1, model, keyRasterType, 0, 1, 1, key, 0, 1, uint16(epsg)}
}

func encodePixels(g *Grid, st SampleType) []byte {
	size := 4
	if st == Byte {
		size = 1
	}
	out := make([]byte, size*len(g.Data))
	parallelChunks(len(g.Data), func(i0, i1 int) {
		if st == Byte {
			for i := i0; i < i1; i++ {
				out[i] = roundByte(g.Data[i])
			}
			return
		}
		for i := i0; i < i1; i++ {
			binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(g.Data[i]))
		}
	})
	return out
}

// parallelChunks splits 0..n into one contiguous chunk per core.
func parallelChunks(n int, fn func(i0, i1 int)) {
	workers := max(1, min(runtime.NumCPU(), n/65536))
	step := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for i0 := 0; i0 < n; i0 += step {
		wg.Add(1)
		go func(i0, i1 int) {
			defer wg.Done()
			fn(i0, i1)
		}(i0, min(n, i0+step))
	}
	wg.Wait()
}

// predictFloatRows applies the floating-point predictor to little-endian
// float32 rows of w values: byte planes, most significant first, then byte
// differences along the row.
func predictFloatRows(pix []byte, w int) []byte {
	row := 4 * w
	pred := make([]byte, len(pix))
	for r := 0; r+row <= len(pix); r += row {
		src, dst := pix[r:r+row], pred[r:r+row]
		for i := 0; i < w; i++ {
			for b := 0; b < 4; b++ {
				dst[b*w+i] = src[4*i+3-b]
			}
		}
		for i := row - 1; i > 0; i-- {
			dst[i] -= dst[i-1]
		}
	}
	return pred
}

// roundByte converts as GDALCopyWords does: round half up, clamp to 0..255.
func roundByte(v float32) byte {
	switch {
	case v != v || v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return byte(math.Floor(float64(v) + 0.5))
}

// layoutTIFF writes header, pixel strip, IFD and out-of-line values.
func layoutTIFF(tags []outTag, pix []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(pix) + 4096)
	buf.Write([]byte{'I', 'I', 42, 0, 0, 0, 0, 0})
	for i := range tags {
		if tags[i].tag == tagStripOffsets {
			tags[i].data = le32s(uint32(buf.Len()))
		}
	}
	buf.Write(pix)
	if buf.Len()%2 == 1 {
		buf.WriteByte(0)
	}
	ifdOff := uint32(buf.Len())
	buf.Write(ifdBytes(tags, ifdOff))
	out := buf.Bytes()
	binary.LittleEndian.PutUint32(out[4:], ifdOff)
	return out
}

// ifdBytes is the IFD of tags (sorted here) followed by its out-of-line
// values, to be written at offset ifdOff.
func ifdBytes(tags []outTag, ifdOff uint32) []byte {
	le := binary.LittleEndian
	sort.Slice(tags, func(i, j int) bool { return tags[i].tag < tags[j].tag })
	extraOff := ifdOff + 2 + 12*uint32(len(tags)) + 4
	var ifd, extra bytes.Buffer
	binary.Write(&ifd, le, uint16(len(tags)))
	for _, t := range tags {
		binary.Write(&ifd, le, t.tag)
		binary.Write(&ifd, le, t.typ)
		binary.Write(&ifd, le, t.count)
		if len(t.data) <= 4 {
			v := make([]byte, 4)
			copy(v, t.data)
			ifd.Write(v)
			continue
		}
		binary.Write(&ifd, le, extraOff+uint32(extra.Len()))
		extra.Write(t.data)
		if extra.Len()%2 == 1 {
			extra.WriteByte(0)
		}
	}
	ifd.Write([]byte{0, 0, 0, 0})
	ifd.Write(extra.Bytes())
	return ifd.Bytes()
}
