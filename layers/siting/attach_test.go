package siting

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

// validateWithReport attaches a report to a new blueprint and runs GDAL's
// GeoPackage validator on it (the fixture's own layers hold polygons in
// multipolygon tables, which the validator refuses, so a clean file is used).
func validateWithReport(t *testing.T, rep *Report, data []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clean.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(context.Background(), bp, rep, FormatPDF, data); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	peertest.ValidateGPKG(t, path)
}

// TestAttach stores a PDF and an XLSX of one proposal, lists them newest
// first, reads the bytes back equal, sees nothing for another proposal,
// passes GDAL's GeoPackage validator, and is refused on a read-only file.
func TestAttach(t *testing.T) {
	ctx := context.Background()
	bp, uids := newFixture(t)
	rep := review(t, bp, uids["straddling"])
	if got, err := Reports(ctx, bp, rep.UID); err != nil || len(got) != 0 {
		t.Fatalf("before any attach: %v, %v", got, err)
	}
	pdf, err := Render(ctx, bp, rep, FormatPDF)
	if err != nil {
		t.Fatal(err)
	}
	xlsx, err := Render(ctx, bp, rep, FormatXLSX)
	if err != nil {
		t.Fatal(err)
	}
	idPDF, err := Attach(ctx, bp, rep, FormatPDF, pdf)
	if err != nil {
		t.Fatal(err)
	}
	idXLSX, err := Attach(ctx, bp, rep, FormatXLSX, xlsx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Reports(ctx, bp, rep.UID)
	if err != nil || len(got) != 2 {
		t.Fatalf("reports %+v, err %v", got, err)
	}
	if got[0].ID != idXLSX || got[1].ID != idPDF || got[1].Format != FormatPDF || got[1].Size != len(pdf) ||
		got[1].Verdict != rep.Verdict || got[1].CreatedBy != "审查员" || got[1].Layer != "GL_XZFA" || got[1].Project != rep.Project {
		t.Errorf("reports %+v", got)
	}
	for id, want := range map[int64][]byte{idPDF: pdf, idXLSX: xlsx} {
		data, err := ReportData(ctx, bp, id)
		if err != nil || !bytes.Equal(data, want) {
			t.Errorf("report %d: %d bytes back (err %v), want %d", id, len(data), err, len(want))
		}
	}
	if other, err := Reports(ctx, bp, uids["inside"]); err != nil || len(other) != 0 {
		t.Errorf("another proposal lists %v, %v", other, err)
	}
	if _, err := Attach(ctx, bp, rep, "docx", pdf); !errors.Is(err, ErrReport) {
		t.Errorf("docx: %v, want ErrReport", err)
	}
	validateWithReport(t, rep, pdf)

	path := bp.Path()
	bp.Close()
	ro, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := Attach(ctx, ro, rep, FormatPDF, pdf); !errors.Is(err, layers.ErrReadOnly) {
		t.Errorf("read-only attach: %v, want ErrReadOnly", err)
	}
	if got, err := Reports(ctx, ro, rep.UID); err != nil || len(got) != 2 {
		t.Errorf("read-only list %d, %v", len(got), err)
	}
}
