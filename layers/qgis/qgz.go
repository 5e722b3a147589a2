package qgis

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"lantu/layers"
	"lantu/layers/catalog"
)

// ErrProject is wrapped by the errors of a stored project that cannot be
// read (not hex, not a zip, no .qgs inside, not XML).
var ErrProject = errors.New("qgis: unreadable project")

// maxQGS bounds the .qgs read from a stored project (a blueprint's is
// about 2 MB).
const maxQGS = 256 << 20

// QGZ is the project as QGIS stores it in qgis_projects.content: a zip
// holding the .qgs (QGIS writes the zip's bytes as hex text).
func (p *Project) QGZ() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name + ".qgs", Method: zip.Deflate, Modified: p.Saved})
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, p.QGS); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// metadata is qgis_projects.metadata as QGIS writes it.
func (p *Project) metadata() string {
	return fmt.Sprintf(`{"last_modified_time": "%s", "last_modified_user": "lantu" }`, p.Saved.Format("2006-01-02T15:04:05"))
}

// putProject stores p in tx, replacing a project of the same name.
func putProject(ctx context.Context, tx *sql.Tx, p *Project) error {
	z, err := p.QGZ()
	if err != nil {
		return fmt.Errorf("qgis: project %s: %w", p.Name, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO qgis_projects (name, metadata, content) VALUES (?, ?, ?)`,
		p.Name, p.metadata(), hex.EncodeToString(z))
	if err != nil {
		return fmt.Errorf("qgis: %s: %s: %w", ProjectsTable, p.Name, err)
	}
	return nil
}

// ReadQGS returns the .qgs document of a stored project's content (hex
// text of a zip, as QGIS stores it; raw zip bytes are read too).
func ReadQGS(content []byte) (string, error) {
	raw := content
	if d, err := hex.DecodeString(strings.TrimSpace(string(content))); err == nil {
		raw = d
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrProject, err)
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(strings.ToLower(f.Name), ".qgs") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrProject, f.Name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxQGS+1))
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrProject, f.Name, err)
		}
		if len(b) > maxQGS {
			return "", fmt.Errorf("%w: %s is over %d bytes", ErrProject, f.Name, maxQGS)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("%w: no .qgs in the archive", ErrProject)
}

// restyleProject replaces, in the stored project name, the style of the
// layer l with style. Without a stored project it does nothing.
func restyleProject(ctx context.Context, tx *sql.Tx, name string, cat *catalog.Catalog, l *catalog.Layer, style catalog.Style) error {
	ok, err := layers.TableExists(ctx, tx, ProjectsTable)
	if err != nil || !ok {
		return err
	}
	var content []byte
	err = tx.QueryRowContext(ctx, `SELECT content FROM qgis_projects WHERE name = ?`, name).Scan(&content)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("qgis: %s: %s: %w", ProjectsTable, name, err)
	}
	qgs, err := ReadQGS(content)
	if err != nil {
		return fmt.Errorf("qgis: project %s: %w", name, err)
	}
	patched, err := restyleQGS(qgs, layerID(l), styleNodes(cat, l, style))
	if err != nil {
		return fmt.Errorf("qgis: project %s: %w", name, err)
	}
	return putProject(ctx, tx, &Project{Name: name, QGS: patched, Saved: time.Now().UTC()})
}

// styleElements are the <maplayer> children a style replaces.
var styleElements = map[string]bool{
	"renderer-v2": true, "labeling": true, "blendMode": true, "featureBlendMode": true,
	"layerOpacity": true, "aliases": true,
}

// restyleQGS returns the .qgs document qgs with the style elements of the
// <maplayer> whose <id> is id replaced by style; everything else is kept.
// A document where no such layer is found comes back unchanged.
func restyleQGS(qgs, id string, style []*node) (string, error) {
	d := xml.NewDecoder(strings.NewReader(qgs))
	var out strings.Builder
	enc := xml.NewEncoder(&out)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrProject, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "maplayer" {
			layer, err := readElement(d, se)
			if err != nil {
				return "", err
			}
			if err := writeLayer(enc, &out, layer, id, style); err != nil {
				return "", err
			}
			continue
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			return "", fmt.Errorf("%w: %v", ErrProject, err)
		}
	}
	if err := enc.Flush(); err != nil {
		return "", err
	}
	return out.String(), nil
}

// readElement reads the tokens of the element se starts, through its end.
func readElement(d *xml.Decoder, se xml.StartElement) ([]xml.Token, error) {
	toks := []xml.Token{se.Copy()}
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: in <maplayer>: %v", ErrProject, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
		toks = append(toks, xml.CopyToken(tok))
	}
	return toks, nil
}

// writeLayer writes a <maplayer>'s tokens, dropping its style children
// and adding style before its end when its id is id.
func writeLayer(enc *xml.Encoder, out *strings.Builder, toks []xml.Token, id string, style []*node) error {
	match := layerIDOf(toks) == id
	depth, skip := 0, 0 // depth before tok: 1 for the maplayer's children
	for i, tok := range toks {
		_, start := tok.(xml.StartElement)
		_, end := tok.(xml.EndElement)
		if start {
			depth++
		}
		if end {
			depth--
		}
		if match && start && depth == 2 && styleElements[tok.(xml.StartElement).Name.Local] {
			skip = depth
		}
		if skip > 0 {
			if end && depth < skip {
				skip = 0
			}
			continue
		}
		if match && i == len(toks)-1 {
			if err := enc.Flush(); err != nil {
				return err
			}
			for _, n := range style {
				if n != nil {
					out.WriteString(n.String())
				}
			}
		}
		if err := enc.EncodeToken(tok); err != nil {
			return fmt.Errorf("%w: %v", ErrProject, err)
		}
	}
	return nil
}

// childDepth is the element depth after the tokens: 1 inside the
// maplayer itself.
func childDepth(toks []xml.Token) int {
	d := 0
	for _, t := range toks {
		switch t.(type) {
		case xml.StartElement:
			d++
		case xml.EndElement:
			d--
		}
	}
	return d
}

// layerIDOf is the text of a <maplayer>'s <id> child.
func layerIDOf(toks []xml.Token) string {
	for i := 1; i+1 < len(toks); i++ {
		se, ok := toks[i].(xml.StartElement)
		if !ok || se.Name.Local != "id" || childDepth(toks[:i]) != 1 {
			continue
		}
		if cd, ok := toks[i+1].(xml.CharData); ok {
			return strings.TrimSpace(string(cd))
		}
		return ""
	}
	return ""
}
