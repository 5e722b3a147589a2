package gpkg

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sharedData returns /work/shared/data seen from this package, skipping the
// test when the folder is absent.
func sharedData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data folder %s is absent: %v", dir, err)
	}
	return dir
}

// validatorScript finds GDAL's validate_gpkg.py (Debian python3-gdal).
func validatorScript() string {
	for _, p := range []string{
		"/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
		"/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	out, err := exec.Command("dpkg", "-L", "python3-gdal").Output()
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasSuffix(l, "/validate_gpkg.py") {
			return l
		}
	}
	return ""
}

// requireTool skips the test when an external program is missing.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed: %v", name, err)
	}
}

// validateWithGDAL runs validate_gpkg.py (must print nothing and exit 0) and
// ogrinfo -al -so (must exit 0) on path.
func validateWithGDAL(t *testing.T, path string) {
	t.Helper()
	script := validatorScript()
	if script == "" {
		t.Log("validate_gpkg.py not found (python3-gdal is not installed); GDAL validation skipped")
	} else {
		requireTool(t, "python3")
		out, err := exec.Command("python3", script, path).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Fatalf("validate_gpkg.py %s: %v\n%s", path, err, out)
		}
	}
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Log("ogrinfo not installed; ogrinfo check skipped")
		return
	}
	if out, err := exec.Command("ogrinfo", "-al", "-so", path).CombinedOutput(); err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, out)
	}
}

var featureCountRE = regexp.MustCompile(`(?m)^Layer name: (.*)\n(?:.*\n)*?Feature Count: (\d+)`)

// ogrCounts returns the feature count of every layer as ogrinfo reports it.
func ogrCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	out, err := exec.Command("ogrinfo", "-al", "-so", path).Output()
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
	requireTool(t, "ogr2ogr")
	if out, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
}
