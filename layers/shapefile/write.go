package shapefile

import (
	"os"
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
	w, err := Create(path, f.ShapeType, f.Fields, f.PRJ, opts)
	if err != nil {
		return err
	}
	for _, r := range f.Records {
		if err := w.Write(r); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
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
