package terrain

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

func seedFiles(f *testing.F, glob ...string) {
	for _, g := range glob {
		m, _ := filepath.Glob(g)
		for _, p := range m {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

func FuzzReadGeoTIFF(f *testing.F) {
	d := filepath.Join("..", "..", "..", "shared", "data", "dem")
	seedFiles(f, filepath.Join(d, "*.tif"), filepath.Join(d, "gdaldem_ref", "*.tif"), filepath.Join("testdata", "*.tif"))
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
