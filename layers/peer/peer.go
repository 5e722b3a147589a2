// Package peer finds the reference tools that Lantu is checked against and
// that some commands call: GDAL's programs (gdal-bin), GDAL's GeoPackage
// validator with a Python that imports GDAL's bindings (python3-gdal), a
// Python that imports QGIS's (python3-qgis), and the like. It only locates them; it runs nothing itself.
//
// A Python that lacks GDAL's bindings makes validate_gpkg.py skip its
// geometry checks without a word, so Python is never taken from PATH alone:
// the interpreter must import osgeo.
//
// All functions are safe for concurrent use; results are computed once.
package peer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// ErrMissing is wrapped by every error that reports a tool not installed.
var ErrMissing = errors.New("peer: tool not installed")

// debPackage names the Debian package that ships each tool we look for.
var debPackage = map[string]string{
	"ogrinfo": "gdal-bin", "ogr2ogr": "gdal-bin", "gdalinfo": "gdal-bin", "gdaldem": "gdal-bin",
	"gdal_translate": "gdal-bin", "gdalsrsinfo": "gdal-bin", "gdalwarp": "gdal-bin",
	"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "qgis_process": "qgis",
	"psql": "postgresql-client", "mapserv": "cgi-mapserver",
}

// Tool returns the path of the program name, or an error wrapping
// ErrMissing that names the Debian package to install.
func Tool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	if pkg, ok := debPackage[name]; ok {
		return "", fmt.Errorf("%w: %s (Debian package %s)", ErrMissing, name, pkg)
	}
	return "", fmt.Errorf("%w: %s", ErrMissing, name)
}

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  error
)

// PythonGDAL returns a Python 3 interpreter that imports GDAL's bindings
// (osgeo.ogr). Debian's /usr/bin/python3 is tried first, then python3 on
// PATH; an interpreter without the bindings is never returned.
func PythonGDAL() (string, error) {
	pythonOnce.Do(func() {
		var tried []string
		for _, c := range pythonCandidates() {
			out, err := exec.Command(c, "-c", "import osgeo.ogr, osgeo.gdal").CombinedOutput()
			if err == nil {
				pythonPath = c
				return
			}
			tried = append(tried, fmt.Sprintf("%s (%s)", c, lastLine(out, err)))
		}
		pythonErr = fmt.Errorf("%w: no Python imports GDAL's bindings (Debian package python3-gdal); tried %s",
			ErrMissing, strings.Join(tried, ", "))
	})
	return pythonPath, pythonErr
}

func pythonCandidates() []string {
	var cs []string
	seen := map[string]bool{}
	for _, c := range []string{"/usr/bin/python3", "python3"} {
		p, err := exec.LookPath(c)
		if err != nil || seen[p] {
			continue
		}
		seen[p] = true
		cs = append(cs, p)
	}
	return cs
}

func lastLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	s = s[strings.LastIndexByte(s, '\n')+1:] // the ImportError line
	if s == "" {
		s = err.Error()
	}
	return s
}

var (
	qgisOnce sync.Once
	qgisPath string
	qgisErr  error
)

// PythonQGIS returns a Python 3 interpreter that imports QGIS's bindings
// (qgis.core, Debian package python3-qgis) when run with QGISEnv; Debian's
// /usr/bin/python3 is tried first, then python3 on PATH.
func PythonQGIS() (string, error) {
	qgisOnce.Do(func() {
		var tried []string
		for _, c := range pythonCandidates() {
			cmd := exec.Command(c, "-c", "import qgis.core")
			cmd.Env = QGISEnv()
			out, err := cmd.CombinedOutput()
			if err == nil {
				qgisPath = c
				return
			}
			tried = append(tried, fmt.Sprintf("%s (%s)", c, lastLine(out, err)))
		}
		qgisErr = fmt.Errorf("%w: no Python imports QGIS's bindings (Debian package python3-qgis); tried %s",
			ErrMissing, strings.Join(tried, ", "))
	})
	return qgisPath, qgisErr
}

// QGISProcess returns the path of QGIS's qgis_process (Debian package
// qgis) that starts headless under QGISEnv. Debian 12's /usr/bin/qgis_process
// is a wrapper passing QGIS_OPTS from /etc/default/qgis ("--noversioncheck"),
// which qgis_process refuses ("Command --noversioncheck not known!"), so
// the program beside it, qgis_process.bin, is taken when the wrapper fails.
func QGISProcess() (string, error) {
	p, err := Tool("qgis_process")
	if err != nil {
		return "", err
	}
	var last string
	for _, c := range []string{p, p + ".bin"} {
		cmd := exec.Command(c, "--version")
		cmd.Env = QGISEnv()
		out, err := cmd.CombinedOutput()
		if err == nil {
			return c, nil
		}
		last = fmt.Sprintf("%s: %s", c, lastLine(out, err))
	}
	return "", fmt.Errorf("%w: qgis_process does not start (%s)", ErrMissing, last)
}

// QGISEnv is the environment QGIS's programs and bindings run headless
// in: the process's own with Qt's offscreen platform.
func QGISEnv() []string {
	return append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
}

// validatorPaths are where Debian's python3-gdal puts validate_gpkg.py.
var validatorPaths = []string{
	"/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
	"/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
}

// GPKGValidator returns a Python that imports GDAL's bindings and the path
// of GDAL's validate_gpkg.py, or an error wrapping ErrMissing saying which
// of the two is absent.
func GPKGValidator() (python, script string, err error) {
	python, err = PythonGDAL()
	if err != nil {
		return "", "", err
	}
	for _, p := range validatorPaths {
		if _, err := os.Stat(p); err == nil {
			return python, p, nil
		}
	}
	if out, err := exec.Command("dpkg", "-L", "python3-gdal").Output(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasSuffix(l, "/validate_gpkg.py") {
				return python, l, nil
			}
		}
	}
	return "", "", fmt.Errorf("%w: GDAL's validate_gpkg.py (Debian package python3-gdal)", ErrMissing)
}

// emptyFlagBug is the line of validate_gpkg.py (GDAL 3.6 up to at least
// 3.11) that reads the GeoPackageBinary empty flag from bit 3 of the flags
// byte, the top bit of the envelope indicator; the specification (clause
// 2.1.3.1.1) puts it at bit 4. With it, every empty geometry fails
// "Req 152: Inconsistent empty_flag vs geometry content", GDAL's own files
// included (GDAL writes an empty geometry with flags 0x11, as Lantu does),
// and the validator stops there, so the checks after it never run.
const (
	emptyFlagBug = "empty_flag = ((flags >> 3) & 1) == 1"
	emptyFlagFix = "empty_flag = ((flags >> 4) & 1) == 1"
)

// runner runs the script unchanged, or, when it has emptyFlagBug, a copy
// with that one line corrected and nothing else changed.
func runner(python, script string) (*exec.Cmd, error) {
	src, err := os.ReadFile(script)
	if err != nil {
		return nil, fmt.Errorf("peer: %w", err)
	}
	if !strings.Contains(string(src), emptyFlagBug) {
		return exec.Command(python, script), nil
	}
	fixed := strings.Replace(string(src), emptyFlagBug, emptyFlagFix, 1)
	prog := "import sys\nsrc = sys.stdin.read()\nsys.argv = sys.argv[1:]\n" +
		"exec(compile(src, sys.argv[0], 'exec'), {'__name__': '__main__', '__file__': sys.argv[0]})\n"
	cmd := exec.Command(python, "-c", prog, script)
	cmd.Stdin = strings.NewReader(fixed)
	return cmd, nil
}

// ValidateGPKG runs GDAL's validator on path (with the empty-flag line
// corrected, see emptyFlagBug). It returns the validator's report (empty
// when the file is valid) and an error when the validator could not run or
// found problems.
func ValidateGPKG(path string) (string, error) {
	python, script, err := GPKGValidator()
	if err != nil {
		return "", err
	}
	cmd, err := runner(python, script)
	if err != nil {
		return "", err
	}
	cmd.Args = append(cmd.Args, path)
	out, err := cmd.CombinedOutput()
	report := strings.TrimSpace(string(out))
	if err != nil || report != "" {
		if report == "" {
			report = err.Error()
		}
		return report, fmt.Errorf("%s: GDAL's validate_gpkg.py reports problems", path)
	}
	return "", nil
}
