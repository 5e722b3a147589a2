package shapefile

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxMember bounds the bytes read from one zip member (a zip bomb guard):
// the .shp and .shx formats address at most 8 GiB.
const maxMember = 8 << 30

// source gives the files of one shapefile by extension (".shp", ".dbf"...),
// with the name to use in messages; a missing file is fs.ErrNotExist.
type source interface {
	file(ext string) (data []byte, name string, err error)
	Close() error
}

// Read reads the shapefile at path: a .shp (its .shx, .dbf, .prj and .cpg
// beside it, matched case-insensitively), a .zip holding exactly one .shp,
// or a .shp inside a zip ("a.zip/roads.shp"). The .shx is used and checked
// when present; a missing .dbf gives records without fields. Records marked
// deleted in the .dbf are skipped, as GDAL does. Errors name the file and
// the record (numbered from 1, as in the .shp) and wrap a package sentinel.
func Read(path string, opts ReadOptions) (*File, error) {
	if opts.Encoding != "" {
		if _, err := lookupCodec(opts.Encoding); err != nil {
			return nil, fmt.Errorf("%s: ReadOptions: %w", path, err)
		}
	}
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return readSource(src, opts)
}

func readSource(src source, opts ReadOptions) (*File, error) {
	shapeType, shapes, err := readGeometry(src, opts.KeepZM)
	if err != nil {
		return nil, err
	}
	f := &File{ShapeType: shapeType, Encoding: opts.Encoding}
	if f.PRJ, err = readText(src, ".prj"); err != nil {
		return nil, err
	}
	tab, err := readTable(src, opts.Encoding, len(shapes))
	if err != nil {
		return nil, err
	}
	f.Records = make([]Record, 0, len(shapes))
	if tab == nil {
		for _, s := range shapes {
			f.Records = append(f.Records, Record{Geometry: s.geom, Z: s.z, M: s.m})
		}
		return f, nil
	}
	f.Fields, f.Encoding = tab.fields, tab.codec.name
	for i, s := range shapes {
		if !tab.deleted[i] {
			f.Records = append(f.Records, Record{Geometry: s.geom, Z: s.z, M: s.m, Values: tab.rows[i]})
		}
	}
	return f, nil
}

// readGeometry reads the .shp, through the .shx when there is one.
func readGeometry(src source, keepZM bool) (ShapeType, []shape, error) {
	shp, shpName, err := src.file(".shp")
	if err != nil {
		return 0, nil, err
	}
	var spans []span
	shx, shxName, err := src.file(".shx")
	switch {
	case err == nil:
		var t ShapeType
		if t, spans, err = decodeSHX(shx); err != nil {
			return 0, nil, fmt.Errorf("%s: %w", shxName, err)
		}
		if h, err := parseHeader(shp); err == nil && h.shapeType != t {
			return 0, nil, fmt.Errorf("%s: %w: shape type %v, the .shp says %v", shxName, ErrMismatch, t, h.shapeType)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return 0, nil, err
	}
	t, shapes, err := decodeSHP(shp, spans, keepZM)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", shpName, err)
	}
	return t, shapes, nil
}

// readTable reads the .dbf (nil when there is none) and checks it has one
// record per shape.
func readTable(src source, override string, shapes int) (*table, error) {
	dbf, name, err := src.file(".dbf")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	cpg, err := readText(src, ".cpg")
	if err != nil {
		return nil, err
	}
	tab, err := decodeDBF(dbf, cpg, override)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(tab.rows) != shapes {
		return nil, fmt.Errorf("%s: %w: %d records, the .shp has %d", name, ErrMismatch, len(tab.rows), shapes)
	}
	return tab, nil
}

// readText returns a small text file (.prj, .cpg) trimmed, "" when absent.
func readText(src source, ext string) (string, error) {
	b, _, err := src.file(ext)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF")), err
}

// openSource opens path as a folder source or a zip source.
func openSource(path string) (source, error) {
	lower := strings.ToLower(path)
	if i := strings.LastIndex(lower, ".zip/"); i >= 0 {
		return openZip(path[:i+4], path[i+5:])
	}
	if strings.HasSuffix(lower, ".zip") {
		return openZip(path, "")
	}
	ext := filepath.Ext(path)
	if !strings.EqualFold(ext, ".shp") {
		return nil, fmt.Errorf("%s: %w: want a .shp or .zip", path, ErrNotFound)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrNotFound, err)
	}
	return dirSource{dir: filepath.Dir(path), stem: strings.TrimSuffix(filepath.Base(path), ext), shp: path}, nil
}

// dirSource is a shapefile in a folder.
type dirSource struct{ dir, stem, shp string }

func (d dirSource) Close() error { return nil }

func (d dirSource) file(ext string) ([]byte, string, error) {
	name := d.shp
	if ext != ".shp" {
		var err error
		if name, err = d.sibling(ext); err != nil {
			return nil, "", err
		}
	}
	b, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, name, fmt.Errorf("%s: %w", name, err)
	}
	return b, name, err
}

// sibling finds stem+ext in the folder, exact case first.
func (d dirSource) sibling(ext string) (string, error) {
	exact := filepath.Join(d.dir, d.stem+ext)
	if _, err := os.Stat(exact); err == nil {
		return exact, nil
	}
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", d.dir, err)
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), d.stem+ext) {
			return filepath.Join(d.dir, e.Name()), nil
		}
	}
	return "", fs.ErrNotExist
}

// zipSource is a shapefile inside a zip archive.
type zipSource struct {
	zip     *zip.ReadCloser
	archive string
	stem    string // the member path of the .shp without its extension
}

// openZip opens the .shp member (or the only one when member is "").
func openZip(archive, member string) (source, error) {
	z, err := zip.OpenReader(archive)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", archive, ErrNotFound, err)
	}
	var shps []string
	for _, f := range z.File {
		if strings.EqualFold(filepath.Ext(f.Name), ".shp") && !strings.HasPrefix(filepath.Base(f.Name), ".") {
			shps = append(shps, f.Name)
		}
	}
	stem, err := pickMember(shps, member)
	if err != nil {
		z.Close()
		return nil, fmt.Errorf("%s: %w", archive, err)
	}
	return &zipSource{zip: z, archive: archive, stem: stem}, nil
}

// pickMember chooses the .shp among shps: the one named by member (its
// path or base name), or the only one; it returns it without extension.
func pickMember(shps []string, member string) (string, error) {
	var found []string
	for _, s := range shps {
		if member == "" || strings.EqualFold(s, member) || strings.EqualFold(filepath.Base(s), member) {
			found = append(found, s)
		}
	}
	switch {
	case len(found) == 1:
		return strings.TrimSuffix(found[0], filepath.Ext(found[0])), nil
	case len(found) == 0 && member != "":
		return "", fmt.Errorf("%w: no %s in the zip", ErrNotFound, member)
	case len(found) == 0:
		return "", fmt.Errorf("%w: no .shp in the zip", ErrNotFound)
	}
	return "", fmt.Errorf("%w: the zip holds %d shapefiles (%s): name one, as a.zip/%s",
		ErrNotFound, len(found), strings.Join(found, ", "), filepath.Base(found[0]))
}

func (z *zipSource) Close() error { return z.zip.Close() }

func (z *zipSource) file(ext string) ([]byte, string, error) {
	for _, f := range z.zip.File {
		if !strings.EqualFold(f.Name, z.stem+ext) {
			continue
		}
		name := z.archive + "/" + f.Name
		rc, err := f.Open()
		if err != nil {
			return nil, name, fmt.Errorf("%s: %w: %w", name, ErrFormat, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxMember))
		if err != nil {
			return nil, name, fmt.Errorf("%s: %w: %w", name, ErrFormat, err)
		}
		return b, name, nil
	}
	return nil, "", fs.ErrNotExist
}
