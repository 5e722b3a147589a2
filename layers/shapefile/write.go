package shapefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Write writes f as the shapefile path (a .shp) with its .shx, .dbf, .cpg
// and, when f.PRJ is not "", .prj (a stale .prj beside path is removed
// otherwise). f.ShapeType Null means "the type of the first geometry".
// Shells are written clockwise and holes counter-clockwise, open rings are
// closed, and field names are made to fit as FieldNames says. Attribute
// text is written in opts.Encoding ("" = UTF-8) with its .cpg and DBF
// language driver byte (f.Encoding is not consulted). A record has no
// Values (all NULL) or one per field. Nothing is written when a record does not fit
// (the error names the record and field); each file is written to a
// temporary name and renamed into place. f is not modified.
func Write(path string, f *File, opts WriteOptions) error {
	ext := filepath.Ext(path)
	if !strings.EqualFold(ext, ".shp") {
		return fmt.Errorf("%s: %w: want a path ending in .shp", path, ErrNotFound)
	}
	c, err := lookupCodec(orUTF8(opts.Encoding))
	if err != nil {
		return fmt.Errorf("%s: WriteOptions: %w", path, err)
	}
	shp, shx, err := encodeGeometry(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	stem := strings.TrimSuffix(path, ext)
	dbf, err := encodeDBF(f, newEncoder(c), time.Now())
	if err != nil {
		return fmt.Errorf("%s.dbf: %w", stem, err)
	}
	files := map[string][]byte{path: shp, stem + ".shx": shx, stem + ".dbf": dbf, stem + ".cpg": []byte(c.cpg)}
	if f.PRJ != "" {
		files[stem+".prj"] = []byte(f.PRJ)
	} else if err := os.Remove(stem + ".prj"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return writeFiles(files)
}

// writeFiles writes every file under a temporary name, then renames them
// all into place; on error it removes the temporary files.
func writeFiles(files map[string][]byte) error {
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for name, b := range files {
		tmp := name + ".tmp-lantu"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		tmps = append(tmps, tmp)
	}
	for name := range files {
		if err := os.Rename(name+".tmp-lantu", name); err != nil {
			return err
		}
	}
	return nil
}

// encodeGeometry returns the .shp and .shx bytes of f's records.
func encodeGeometry(f *File) (shp, shx []byte, err error) {
	t := f.ShapeType
	if t == Null {
		t = inferType(f.Records)
	}
	if t.Base() < 0 {
		return nil, nil, fmt.Errorf("%w: unknown shape type %d", ErrGeometry, int32(t))
	}
	shp = make([]byte, headerLen, headerLen+64*len(f.Records))
	shx = make([]byte, headerLen, headerLen+8*len(f.Records))
	all := emptyBox()
	for i, r := range f.Records {
		var b box
		if shp, b, err = appendRecord(shp, r, t, i); err != nil {
			return nil, nil, fmt.Errorf("record %d: %w", i+1, err)
		}
		all = all.union(b)
		if len(shp) > 1<<32 {
			return nil, nil, fmt.Errorf("%w: more than the 8 GiB a .shp can address", ErrGeometry)
		}
	}
	shx = appendIndex(shx, shp)
	all = all.finite()
	copy(shp, appendHeader(nil, len(shp), t, all))
	copy(shx, appendHeader(nil, len(shx), t, all))
	return shp, shx, nil
}

// appendRecord appends record i (0-based) with its 8-byte header.
func appendRecord(dst []byte, r Record, t ShapeType, i int) ([]byte, box, error) {
	var fp *flat
	if r.Geometry != nil {
		f, err := flatten(r, t)
		if err != nil {
			return nil, box{}, err
		}
		fp = &f
	}
	at := len(dst)
	dst = be.AppendUint32(dst, uint32(i+1))
	dst = be.AppendUint32(dst, 0)
	dst, b := encodeShape(dst, fp, t)
	be.PutUint32(dst[at+4:], uint32((len(dst)-at-8)/2))
	return dst, b, nil
}

// appendIndex appends one .shx entry per record of the finished shp body.
func appendIndex(shx, shp []byte) []byte {
	for pos := headerLen; pos < len(shp); {
		words := be.Uint32(shp[pos+4:])
		shx = be.AppendUint32(shx, uint32(pos/2))
		shx = be.AppendUint32(shx, words)
		pos += 8 + int(words)*2
	}
	return shx
}
