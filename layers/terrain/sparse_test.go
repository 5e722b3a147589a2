package terrain

import (
	"errors"
	"testing"
)

// TestSparseHugeRefused: a TIFF of a few bytes whose one strip is empty
// (StripByteCounts 0, which GDAL reads as nodata) claims 23170 x 23170
// pixels; it is refused before the 2 GiB grid is allocated. It allocated
// the grid before (the fuzzer's slowest inputs were of this kind).
func TestSparseHugeRefused(t *testing.T) {
	b := float32Strip(23170, 23170, 1, nil)
	_, err := DecodeGeoTIFF("sparse.tif", b)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	// A small image that is all sparse still reads, as nodata.
	g, err := DecodeGeoTIFF("small.tif", float32Strip(64, 32, 1, nil))
	if err != nil || len(g.Data) != 64*32 {
		t.Fatalf("small sparse image: %v", err)
	}
}
