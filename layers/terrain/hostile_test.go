package terrain

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the hostile TIFF seeds in testdata/fuzz")

// rawTag is one IFD entry for buildTIFF: values of at most 4 bytes are
// stored inline, longer ones after the IFD.
type rawTag struct {
	tag, typ uint16
	count    uint32
	val      []byte
}

func le16(v ...uint16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return b
}

func le32(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return b
}

func le64f(v ...float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func short(tag uint16, v ...uint16) rawTag { return rawTag{tag, 3, uint32(len(v)), le16(v...)} }
func long(tag uint16, v ...uint32) rawTag  { return rawTag{tag, 4, uint32(len(v)), le32(v...)} }
func double(tag uint16, v ...float64) rawTag {
	return rawTag{tag, 12, uint32(len(v)), le64f(v...)}
}

// buildTIFF lays out a little-endian classic TIFF: header, data (so the
// first data byte is at offset 8), one IFD with tags (in the order given),
// then the out-of-line values.
func buildTIFF(tags []rawTag, data []byte) []byte {
	b := []byte{'I', 'I', 42, 0, 0, 0, 0, 0}
	b = append(b, data...)
	if len(b)%2 == 1 {
		b = append(b, 0)
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)))
	extra := uint32(len(b) + 2 + 12*len(tags) + 4)
	var tail []byte
	b = append(b, le16(uint16(len(tags)))...)
	for _, t := range tags {
		b = append(b, le16(t.tag, t.typ)...)
		b = append(b, le32(t.count)...)
		if len(t.val) <= 4 {
			v := make([]byte, 4)
			copy(v, t.val)
			b = append(b, v...)
			continue
		}
		b = append(b, le32(extra+uint32(len(tail)))...)
		tail = append(tail, t.val...)
		if len(tail)%2 == 1 {
			tail = append(tail, 0)
		}
	}
	b = append(b, 0, 0, 0, 0)
	return append(b, tail...)
}

// float32Strip is a width x height Float32 GeoTIFF in one strip with the
// given compression of the pixel bytes pix (already compressed).
func float32Strip(width, height uint32, compression uint16, pix []byte, extra ...rawTag) []byte {
	tags := []rawTag{
		long(tagWidth, width), long(tagHeight, height), short(tagBitsPerSample, 32),
		short(tagCompression, compression), short(tagPhotometric, 1), long(tagStripOffsets, 8),
		short(tagSamplesPerPx, 1), long(tagRowsPerStrip, height), long(tagStripBytes, uint32(len(pix))),
		short(tagSampleFormat, 3),
	}
	return buildTIFF(append(tags, extra...), pix)
}

func deflate(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugeTileTIFF is a 1 x 1 image whose tags claim one tile of 65536 x
// 1,048,576 pixels: 256 GiB decoded from a few bytes.
func hugeTileTIFF() []byte {
	return buildTIFF([]rawTag{
		long(tagWidth, 1), long(tagHeight, 1), short(tagBitsPerSample, 32), short(tagCompression, 1),
		short(tagPhotometric, 1), short(tagSamplesPerPx, 1), long(tagTileWidth, 65536), long(tagTileLength, 1048576),
		long(tagTileOffsets, 8), long(tagTileBytes, 4), short(tagSampleFormat, 3),
	}, le32(math.Float32bits(42)))
}

// hugeImageTIFF claims 23170 x 23170 Float32 pixels (2 GiB) in one Deflate
// strip of a few bytes.
func hugeImageTIFF(t testing.TB) []byte {
	return float32Strip(23170, 23170, 8, deflate(t, make([]byte, 16)))
}

// georef is a 30 m tiepoint and pixel scale in EPSG:4550.
func georefTags(scale float64) []rawTag {
	return []rawTag{
		double(tagPixelScale, scale, scale, 0), double(tagTiepoint, 0, 0, 0, 500000, 4650000, 0),
		short(tagGeoKeys, 1, 1, 0, 3, keyModelType, 0, 1, 1, keyRasterType, 0, 1, 1, keyProjectedType, 0, 1, 4550),
	}
}

// rampPix is width*height little-endian float32 values 0, 1, 2, ...
func rampPix(n int) []byte {
	b := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(i)))
	}
	return b
}

// hostileTIFFs are malformed GeoTIFFs GDAL refuses, with a piece of the
// error each must give (the tag or block at fault).
func hostileTIFFs(t testing.TB) []struct {
	name, want string
	b          []byte
} {
	lzwAsNone := float32Strip(16, 16, 1, lzwEncode(rampPix(256)), georefTags(30)...)
	rowsZero := float32Strip(4, 4, 1, rampPix(16), georefTags(30)...)
	patchTag(rowsZero, tagRowsPerStrip, 0)
	badType := float32Strip(4, 4, 1, rampPix(16), georefTags(30)...)
	patchType(badType, tagGeoKeys, 99)
	asciiKeys := float32Strip(4, 4, 1, rampPix(16), double(tagPixelScale, 30, 30, 0),
		double(tagTiepoint, 0, 0, 0, 500000, 4650000, 0), rawTag{tagGeoKeys, 2, 8, []byte("1,1,0,3\x00")})
	shortDeflate := float32Strip(8, 8, 8, deflate(t, rampPix(40)), georefTags(30)...)
	shortLZW := float32Strip(8, 8, 5, lzwEncode(rampPix(40)), georefTags(30)...)
	badKeyRef := float32Strip(4, 4, 1, rampPix(16), double(tagPixelScale, 30, 30, 0),
		double(tagTiepoint, 0, 0, 0, 500000, 4650000, 0),
		short(tagGeoKeys, 1, 1, 0, 2, keyModelType, 0, 1, 1, 3076, tagGeoDoubles, 1, 7), double(tagGeoDoubles, 1))
	return []struct {
		name, want string
		b          []byte
	}{
		{"huge_tile", "tile", hugeTileTIFF()},
		{"huge_image", "strip 0", hugeImageTIFF(t)},
		{"lzw_as_none", "strip 0", lzwAsNone},
		{"rows_per_strip_zero", "278", rowsZero},
		{"geokeys_bad_type", "34735", badType},
		{"geokeys_ascii", "34735", asciiKeys},
		{"pixel_scale_zero", "33550", float32Strip(4, 4, 1, rampPix(16), georefTags(0)...)},
		{"pixel_scale_nan", "33550", float32Strip(4, 4, 1, rampPix(16), georefTags(math.NaN())...)},
		{"short_deflate", "strip 0", shortDeflate},
		{"short_lzw", "strip 0", shortLZW},
		{"short_none", "strip 0", float32Strip(8, 8, 1, rampPix(40), georefTags(30)...)},
		{"geokey_past_doubles", "34736", badKeyRef},
	}
}

// patchTag sets the inline value of a SHORT or LONG tag of a buildTIFF file.
func patchTag(b []byte, tag uint16, v uint32) {
	if e := findEntry(b, tag); e != nil {
		if binary.LittleEndian.Uint16(e[2:]) == 3 {
			binary.LittleEndian.PutUint16(e[8:], uint16(v))
		} else {
			binary.LittleEndian.PutUint32(e[8:], v)
		}
	}
}

func patchType(b []byte, tag, typ uint16) {
	if e := findEntry(b, tag); e != nil {
		binary.LittleEndian.PutUint16(e[2:], typ)
	}
}

func findEntry(b []byte, tag uint16) []byte {
	off := binary.LittleEndian.Uint32(b[4:])
	n := binary.LittleEndian.Uint16(b[off:])
	for i := 0; i < int(n); i++ {
		e := b[int(off)+2+12*i:]
		if binary.LittleEndian.Uint16(e) == tag {
			return e
		}
	}
	return nil
}

// TestHostileTIFFs: each malformed file is refused with ErrFormat (or
// ErrTooLarge), naming the file and the tag or block at fault, without
// allocating what its tags claim.
func TestHostileTIFFs(t *testing.T) {
	for _, c := range hostileTIFFs(t) {
		t.Run(c.name, func(t *testing.T) {
			g, err := DecodeGeoTIFF(c.name+".tif", c.b)
			if err == nil {
				t.Fatalf("decoded %d x %d (gt %v, keys %v), want an error", g.Width, g.Height, g.GeoTransform, g.GeoKeys)
			}
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%v: want ErrFormat or ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), c.name+".tif") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v: want the file name and %q", err, c.want)
			}
		})
	}
}

// TestWellFormedBuilders guards the builders: the same layouts with
// consistent tags decode to the values written.
func TestWellFormedBuilders(t *testing.T) {
	for name, b := range map[string][]byte{
		"none":    float32Strip(8, 8, 1, rampPix(64), georefTags(30)...),
		"deflate": float32Strip(8, 8, 8, deflate(t, rampPix(64)), georefTags(30)...),
		"lzw":     float32Strip(8, 8, 5, lzwEncode(rampPix(64)), georefTags(30)...),
	} {
		g, err := DecodeGeoTIFF(name+".tif", b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if g.EPSG != 4550 || g.GeoTransform != [6]float64{500000, 30, 0, 4650000, 0, -30} || g.Data[63] != 63 || g.Data[9] != 9 {
			t.Fatalf("%s: epsg %d gt %v data %v", name, g.EPSG, g.GeoTransform, g.Data)
		}
	}
}

// TestHostileSeeds keeps the fuzz corpora holding every hostile file
// (rewrite them with -update-seeds).
func TestHostileSeeds(t *testing.T) {
	for _, c := range hostileTIFFs(t) {
		checkSeed(t, filepath.Join("testdata", "fuzz", "FuzzReadGeoTIFF", "hostile_"+c.name), c.b)
		checkSeed(t, filepath.Join("testdata", "fuzz", "FuzzCoverageTile", "hostile_"+c.name), c.b, false)
	}
}

// checkSeed compares (or with -update-seeds writes) a corpus file in the
// `go test fuzz v1` format.
func checkSeed(t *testing.T, path string, b []byte, more ...bool) {
	t.Helper()
	want := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
	for _, v := range more {
		want += "bool(" + strconv.FormatBool(v) + ")\n"
	}
	if *updateSeeds {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Errorf("seed %s is missing or stale (%v): run go test -run TestHostileSeeds -update-seeds", path, err)
	}
}
