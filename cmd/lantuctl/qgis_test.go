package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

// TestQGISWritesStylesAndProject: `lantuctl qgis FILE` writes a default
// style per vector layer and the project named after the file, leaves a
// file GDAL's validator passes, and `--update` then finds nothing to do.
func TestQGISWritesStylesAndProject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	bp.Close()
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"qgis", path}, &stderr); code != 0 {
		t.Fatalf("lantuctl qgis: exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"qgis", "--update", path}, &stderr); code != 0 {
		t.Fatalf("lantuctl qgis --update: exit %d: %s", code, stderr.String())
	}
	bp, err = layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	var styles, defaults int
	var project string
	err = bp.Read(context.Background(), func(tx *sql.Tx) error {
		if err := tx.QueryRow(`SELECT count(*), sum(useAsDefault) FROM layer_styles`).Scan(&styles, &defaults); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT name FROM qgis_projects`).Scan(&project)
	})
	if err != nil {
		t.Fatal(err)
	}
	if styles != 186 || defaults != 186 || project != "plan" {
		t.Errorf("%d styles, %d defaults, project %q; want 186, 186, plan", styles, defaults, project)
	}
	peertest.ValidateGPKG(t, path)
	if code := run(context.Background(), []string{"qgis", filepath.Join(t.TempDir(), "missing.gpkg")}, &stderr); code != 1 {
		t.Errorf("lantuctl qgis on a missing file: exit %d, want 1", code)
	}
}
