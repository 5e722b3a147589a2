package terrain

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/tiff/lzw"
)

// seedFiles adds every file matching each glob as a seed; a glob matching
// nothing fails the fuzz test, so lost fixtures cannot pass unseen.
func seedFiles(f *testing.F, glob ...string) {
	for _, g := range glob {
		m, _ := filepath.Glob(g)
		if len(m) == 0 {
			f.Fatalf("no seed files match %s", g)
		}
		for _, p := range m {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func FuzzReadGeoTIFF(f *testing.F) {
	seedFiles(f, filepath.Join("testdata", "*.tif"), filepath.Join("testdata", "gdaldem_ref", "*.tif"), filepath.Join("testdata", "variants", "*.tif"))
	if b, err := EncodeGeoTIFF(synthDEM(5, 4), Float32); err == nil {
		f.Add(b)
	}
	f.Add(hugeTIFF())
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := DecodeGeoTIFF("fuzz.tif", b)
		if err == nil && len(g.Data) != g.Width*g.Height {
			t.Fatalf("%d values for %d x %d", len(g.Data), g.Width, g.Height)
		}
	})
}

// hugeTIFF claims 1e9 x 1e9 pixels in a few bytes.
func hugeTIFF() []byte {
	b := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0}
	for _, tag := range []uint16{tagWidth, tagHeight} {
		e := make([]byte, 12)
		binary.LittleEndian.PutUint16(e, tag)
		binary.LittleEndian.PutUint16(e[2:], 4)
		binary.LittleEndian.PutUint32(e[4:], 1)
		binary.LittleEndian.PutUint32(e[8:], 1e9)
		b = append(b, e...)
	}
	return append(b, 0, 0, 0, 0)
}

func FuzzReadASCII(f *testing.F) {
	seedFiles(f, filepath.Join("testdata", "*.asc"))
	f.Add([]byte("ncols 1000000000\nnrows 1000000000\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := DecodeASCII("fuzz.asc", b)
		if err == nil && len(g.Data) != g.Width*g.Height {
			t.Fatalf("%d values for %d x %d", len(g.Data), g.Width, g.Height)
		}
	})
}

func FuzzReadHGT(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4}, "N41E123.hgt")
	f.Add(make([]byte, 1201*1201*2), "S01W001.hgt")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		g, err := DecodeHGT(name, b)
		if err == nil && len(g.Data) != g.Width*g.Height {
			t.Fatalf("%d values for %d x %d", len(g.Data), g.Width, g.Height)
		}
	})
}

// FuzzCoverageTile decodes stored coverage tiles (Float32 TIFF, or 16-bit
// PNG with scale and offset): bad bytes give an error, never a panic, and a
// decoded tile holds as many values as pixels.
func FuzzCoverageTile(f *testing.F) {
	g := synthDEM(16, 8)
	if b, err := EncodeLZWGeoTIFF(g); err == nil {
		f.Add(b, false)
	}
	img := image.NewGray16(image.Rect(0, 0, 4, 3))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 37)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err == nil {
		f.Add(buf.Bytes(), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, integer bool) {
		c := &Coverage{Table: "fuzz", integer: integer, scale: 0.1, offset: -100, HasNoData: true, rawNull: 65535, NoData: integerNoData}
		tile, err := c.decodeTile("fuzz tile", b, 1, 0)
		if err == nil && (tile == nil || len(tile.Data) != tile.Width*tile.Height) {
			t.Fatalf("decoded %v without a full grid", tile)
		}
	})
}

// FuzzLZWRoundTrip: whatever the bytes, the TIFF LZW writer's output reads
// back as them.
func FuzzLZWRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("abcabcabcabcabcabd"))
	f.Add(bytes.Repeat([]byte{0, 1, 2, 3}, 3000))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := io.ReadAll(lzw.NewReader(bytes.NewReader(lzwEncode(b)), lzw.MSB, 8))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %d bytes: %d back, err %v", len(b), len(got), err)
		}
	})
}

func TestCoverageTileTooLarge(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray16(image.Rect(0, 0, maxTileEdge+1, 1))); err != nil {
		t.Fatal(err)
	}
	c := &Coverage{Table: "t", integer: true, scale: 1}
	if _, err := c.decodeTile("t tile 0/0/0", buf.Bytes(), 1, 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a %d-pixel-wide tile: %v", maxTileEdge+1, err)
	}
}
