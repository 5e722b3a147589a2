package peer_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"lantu/layers/peer"
	"lantu/layers/peer/peertest"
)

func TestToolMissingNamesPackage(t *testing.T) {
	_, err := peer.Tool("ogr2ogr-that-does-not-exist")
	if !errors.Is(err, peer.ErrMissing) {
		t.Fatalf("err = %v, want ErrMissing", err)
	}
	if _, err := peer.Tool("sh"); err != nil {
		t.Fatalf("sh: %v", err)
	}
}

// TestPythonGDALImportsOsgeo: the interpreter returned really has GDAL's
// bindings, whatever python3 comes first on PATH.
func TestPythonGDALImportsOsgeo(t *testing.T) {
	py := peertest.PythonGDAL(t)
	out, err := exec.Command(py, "-c", "from osgeo import gdal; print(gdal.__version__)").CombinedOutput()
	if err != nil || !strings.Contains(string(out), ".") {
		t.Fatalf("%s cannot import osgeo: %v %s", py, err, out)
	}
}

// TestPythonQGISImportsQgis: the interpreter returned imports QGIS's
// bindings headless and reports QGIS 3.
func TestPythonQGISImportsQgis(t *testing.T) {
	py := peertest.PythonQGIS(t)
	cmd := exec.Command(py, "-c", "from qgis.core import Qgis; print(Qgis.QGIS_VERSION)")
	cmd.Env = peer.QGISEnv()
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), "3.") {
		t.Fatalf("%s cannot import qgis.core: %v %s", py, err, out)
	}
}

// TestQGISProcessStarts: qgis_process runs headless and names its
// version.
func TestQGISProcessStarts(t *testing.T) {
	cmd := exec.Command(peertest.QGISProcess(t), "--version")
	cmd.Env = peer.QGISEnv()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "QGIS 3.") {
		t.Fatalf("qgis_process --version: %v %s", err, out)
	}
}

func TestValidatorRejectsNonGeoPackage(t *testing.T) {
	if _, _, err := peer.GPKGValidator(); err != nil {
		peertest.Missing(t, "%v", err)
	}
	path := t.TempDir() + "/not.gpkg"
	if err := exec.Command("sh", "-c", "echo hello > "+path).Run(); err != nil {
		t.Fatal(err)
	}
	if report, err := peer.ValidateGPKG(path); err == nil {
		t.Fatalf("validator accepted a text file (report %q)", report)
	}
}
