package qgis

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
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
	patched, err := restyleQGS(qgs, map[string]string{layerID(l): fragment(styleNodes(cat, l, style))})
	if err != nil {
		return fmt.Errorf("qgis: project %s: %w", name, err)
	}
	return putProject(ctx, tx, &Project{Name: name, QGS: patched, Saved: time.Now().UTC()})
}
