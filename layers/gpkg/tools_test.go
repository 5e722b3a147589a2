package gpkg

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"lantu/layers/peer/peertest"
)

// vectorData is the package's copy of the real vector data (see
// testdata/vector/README.md for sources and licences).
var vectorData = filepath.Join("testdata", "vector")

// validateWithGDAL runs GDAL's validate_gpkg.py (with a Python that imports
// GDAL; must report nothing) and ogrinfo -al -so (must exit 0) on path. A
// missing tool ends the test as peertest.Missing does.
func validateWithGDAL(t *testing.T, path string) {
	t.Helper()
	peertest.ValidateGPKG(t, path)
	ogrinfo := peertest.Tool(t, "ogrinfo")
	if out, err := exec.Command(ogrinfo, "-al", "-so", path).CombinedOutput(); err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, out)
	}
}

var featureCountRE = regexp.MustCompile(`(?m)^Layer name: (.*)\n(?:.*\n)*?Feature Count: (\d+)`)

// ogrCounts returns the feature count of every layer as ogrinfo reports it.
func ogrCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	out, err := exec.Command(peertest.Tool(t, "ogrinfo"), "-al", "-so", path).Output()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v", path, err)
	}
	counts := map[string]int{}
	for _, m := range featureCountRE.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[2])
		counts[m[1]] = n
	}
	return counts
}

// ogr2ogr runs ogr2ogr with args, failing the test on error.
func ogr2ogr(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(peertest.Tool(t, "ogr2ogr"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
}
