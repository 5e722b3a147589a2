// Package peertest is for tests that compare Lantu with a reference tool.
// Outside CI a missing tool skips the test with the reason; under CI
// (CI=true) it fails it, so a missing install step cannot pass unseen.
package peertest

import (
	"os"
	"strings"
	"testing"

	"lantu/layers/peer"
)

// InCI reports whether the tests run under CI (CI=true or CI=1).
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// Missing ends tb for a reference tool or fixture that is not there: a
// skip with the reason outside CI, a failure under CI.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("under CI every peer tool must be installed: "+format, args...)
	}
	tb.Skipf(format, args...)
}

// Tool returns the path of program name, or ends tb as Missing does.
func Tool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := peer.Tool(name)
	if err != nil {
		Missing(tb, "%v", err)
	}
	return p
}

// PythonGDAL returns a Python that imports GDAL's bindings, or ends tb.
func PythonGDAL(tb testing.TB) string {
	tb.Helper()
	p, err := peer.PythonGDAL()
	if err != nil {
		Missing(tb, "%v", err)
	}
	return p
}

// PythonQGIS returns a Python that imports QGIS's bindings (run it with
// peer.QGISEnv), or ends tb.
func PythonQGIS(tb testing.TB) string {
	tb.Helper()
	p, err := peer.PythonQGIS()
	if err != nil {
		Missing(tb, "%v", err)
	}
	return p
}

// QGISProcess returns the path of qgis_process (run it with
// peer.QGISEnv), or ends tb as Missing does.
func QGISProcess(tb testing.TB) string {
	tb.Helper()
	p, err := peer.QGISProcess()
	if err != nil {
		Missing(tb, "%v", err)
	}
	return p
}

// ValidateGPKG runs GDAL's validate_gpkg.py on path and fails tb on any
// report; a missing validator ends tb as Missing does.
func ValidateGPKG(tb testing.TB, path string) {
	tb.Helper()
	if _, _, err := peer.GPKGValidator(); err != nil {
		Missing(tb, "%v", err)
	}
	if report, err := peer.ValidateGPKG(path); err != nil {
		tb.Fatalf("%v\n%s", err, report)
	}
}

// PostGIS returns the URL of the test PostgreSQL with PostGIS (LANTU_PG_URL,
// set by .ci/pg-start), or ends tb as Missing does.
func PostGIS(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("LANTU_PG_URL")
	if url == "" {
		Missing(tb, "LANTU_PG_URL is not set: start PostgreSQL with PostGIS with `source .ci/pg-start` (make test does)")
	}
	return url
}
