package terrain

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"
)

func TestReadASCII(t *testing.T) {
	g, err := ReadASCII(filepath.Join("testdata", "small.asc"))
	if err != nil {
		t.Fatal(err)
	}
	want := [6]float64{100, 10, 0, 230, 0, -10}
	if g.Width != 4 || g.Height != 3 || g.GeoTransform != want || !g.IsNoData(g.At(2, 1)) || g.At(3, 2) != 12 {
		t.Fatalf("got %dx%d %v nodata %v last %v", g.Width, g.Height, g.GeoTransform, g.At(2, 1), g.At(3, 2))
	}
	c, err := DecodeASCII("c.asc", []byte("ncols 1\nnrows 1\nxllcenter 5\nyllcenter 5\ncellsize 10\n7"))
	if err != nil || c.GeoTransform != [6]float64{0, 10, 0, 10, 0, -10} || c.Data[0] != 7 {
		t.Fatalf("xllcenter grid %+v, %v", c, err)
	}
	if _, err := DecodeASCII("short.asc", []byte("ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3")); !errors.Is(err, ErrFormat) {
		t.Fatalf("short grid: %v", err)
	}
}

func TestReadHGT(t *testing.T) {
	b := make([]byte, 1201*1201*2)
	binary.BigEndian.PutUint16(b, uint16(123))
	binary.BigEndian.PutUint16(b[len(b)-2:], 0x8000)
	g, err := DecodeHGT("/x/N41E123.hgt", b)
	if err != nil {
		t.Fatal(err)
	}
	step := 1.0 / 1200
	if g.Width != 1201 || g.Data[0] != 123 || !g.IsNoData(g.Data[len(g.Data)-1]) || g.GeoTransform[0] != 123-step/2 || g.GeoTransform[3] != 42+step/2 {
		t.Fatalf("got %dx%d first %v gt %v", g.Width, g.Height, g.Data[0], g.GeoTransform)
	}
	if _, err := DecodeHGT("dem.hgt", b); !errors.Is(err, ErrFormat) {
		t.Fatalf("bad name: %v", err)
	}
}

func TestTIFFErrors(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"huge", hugeTIFF(), ErrTooLarge},
		{"jpeg", patchCompression(t, 7), ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := DecodeGeoTIFF(c.name+".tif", c.b); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// patchCompression writes a small GeoTIFF and rewrites its Compression tag.
func patchCompression(t *testing.T, v uint16) []byte {
	b, err := EncodeGeoTIFF(synthDEM(4, 4), Float32)
	if err != nil {
		t.Fatal(err)
	}
	off := binary.LittleEndian.Uint32(b[4:])
	n := binary.LittleEndian.Uint16(b[off:])
	for i := 0; i < int(n); i++ {
		e := b[int(off)+2+12*i:]
		if binary.LittleEndian.Uint16(e) == tagCompression {
			binary.LittleEndian.PutUint16(e[8:], v)
		}
	}
	return b
}

// TestGDALVariants reads files gdal_translate wrote in every layout the
// reader supports and compares them with the uncompressed original.
func TestGDALVariants(t *testing.T) {
	ref, err := ReadGeoTIFF(filepath.Join("testdata", "variants", "plain.tif"))
	if err != nil {
		t.Fatalf("variant fixtures: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "variants", "*.tif"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			g, err := ReadGeoTIFF(f)
			if err != nil {
				t.Fatal(err)
			}
			if g.GeoTransform != ref.GeoTransform || g.EPSG != ref.EPSG || g.Width != ref.Width {
				t.Fatalf("georef %v %d, want %v %d", g.GeoTransform, g.EPSG, ref.GeoTransform, ref.EPSG)
			}
			for i, v := range ref.Data {
				if g.Data[i] != float32(int(v)) && g.Data[i] != v {
					t.Fatalf("cell %d = %v, want %v", i, g.Data[i], v)
				}
			}
		})
	}
}
