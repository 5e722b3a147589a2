package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/paulmach/orb/geojson"

	"lantu/assets"
)

// dataSource is the real data the demo is shaped by: the copy embedded in
// the binary (assets.DemoSource) or a folder on disk with the same vector/
// and dem/ layout. It is read-only and safe for concurrent use.
type dataSource struct {
	fsys fs.FS
	dir  string // the folder on disk; "" for the embedded copy
}

// embeddedLabel names the embedded copy in errors.
const embeddedLabel = "embedded assets/demo"

// openData picks the demo's source data: dir when given, else the folder
// LANTU_DATA names, else the copy embedded in the binary.
func openData(dir string) *dataSource {
	if dir == "" {
		dir = os.Getenv("LANTU_DATA")
	}
	if dir == "" {
		return &dataSource{fsys: assets.DemoSource()}
	}
	return &dataSource{fsys: os.DirFS(dir), dir: dir}
}

// name is the path of file (slash-separated, relative to the data folder)
// as errors show it.
func (d *dataSource) name(file string) string {
	if d.dir == "" {
		return path.Join(embeddedLabel, file)
	}
	return filepath.Join(d.dir, filepath.FromSlash(file))
}

// check reports the first file the demo reads that is missing, before
// anything is written.
func (d *dataSource) check() error {
	for _, f := range []string{outlineFile, riversFile, etopoFile} {
		if _, err := fs.Stat(d.fsys, f); err != nil {
			return d.fileErr(f, err)
		}
	}
	return nil
}

// fileErr names file in err and says how to point the generator at another
// folder.
func (d *dataSource) fileErr(file string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is named below, relative to the folder
	}
	return fmt.Errorf("demo: source data %s: %w (--data or LANTU_DATA must name a folder with vector/ and dem/)", d.name(file), err)
}

// read returns the bytes of file.
func (d *dataSource) read(file string) ([]byte, error) {
	b, err := fs.ReadFile(d.fsys, file)
	if err != nil {
		return nil, d.fileErr(file, err)
	}
	return b, nil
}

// geoJSON reads file as a GeoJSON feature collection.
func (d *dataSource) geoJSON(file string) (*geojson.FeatureCollection, error) {
	b, err := d.read(file)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", d.name(file), err)
	}
	return fc, nil
}

// filePath returns a path on disk holding file, for readers that take a
// path (terrain.DemoDEM). The embedded copy is written to a temporary
// folder that cleanup removes; cleanup is never nil.
func (d *dataSource) filePath(file string) (p string, cleanup func(), err error) {
	if d.dir != "" {
		return d.name(file), func() {}, nil
	}
	b, err := d.read(file)
	if err != nil {
		return "", func() {}, err
	}
	tmp, err := os.MkdirTemp("", "lantu-demo-")
	if err != nil {
		return "", func() {}, fmt.Errorf("demo: %w", err)
	}
	cleanup = func() { os.RemoveAll(tmp) }
	p = filepath.Join(tmp, path.Base(file))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		cleanup()
		return "", func() {}, fmt.Errorf("demo: %w", err)
	}
	return p, cleanup, nil
}
