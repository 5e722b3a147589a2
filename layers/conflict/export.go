package conflict

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers/gpkg"
	"lantu/layers/outfile"
)

// exportHeaders are the columns of CSV and XLSX exports: English key, Chinese header.
var exportHeaders = [][2]string{
	{"id", "编号"}, {"rule_id", "规则"}, {"severity", "严重程度"}, {"kind", "类型"},
	{"a_layer", "图层A"}, {"a_fid", "要素A"}, {"a_uid", "要素A标识"}, {"b_layer", "图层B"}, {"b_fid", "要素B"},
	{"b_uid", "要素B标识"}, {"class_pair", "用地分类对"}, {"district", "行政区"}, {"area_m2", "面积(平方米)"},
	{"perimeter_m", "周长(米)"}, {"status", "状态"}, {"reviewer", "审核人"}, {"reviewed_at", "审核时间"},
	{"comment", "说明"},
}

func (p *Patch) row() []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	i := func(x int64) string { return strconv.FormatInt(x, 10) }
	return []string{i(p.ID), p.RuleID, p.Severity, p.Kind, p.A.Layer, i(p.A.FID), p.A.UID, p.B.Layer, i(p.B.FID),
		p.B.UID, p.ClassPair, p.District, f(p.Area), f(p.Perimeter), p.Status, p.Reviewer, p.ReviewedAt, p.Comment}
}

// exportFormats are the extensions Export writes.
var exportFormats = []string{".json", ".csv", ".xlsx", ".gpkg"}

// ExportFormat checks that path's extension names a format Export writes.
func ExportFormat(path string) error {
	if !slices.Contains(exportFormats, strings.ToLower(filepath.Ext(path))) {
		return fmt.Errorf("%w: %s: unknown format (want .json, .csv, .xlsx or .gpkg)", ErrExport, path)
	}
	return nil
}

// ExportOptions returns the outfile options of an export to path that may
// replace an existing file when force.
func ExportOptions(path string, force bool, inputs ...string) outfile.Options {
	return outfile.Options{Inputs: inputs, Force: force, SQLite: strings.EqualFold(filepath.Ext(path), ".gpkg")}
}

// Export writes patches to path, replacing any file there (the caller has
// asked the user); the extension picks the format: .json, .csv (with WKT),
// .xlsx (Chinese headers) or .gpkg (a standalone GeoPackage of the
// patches). The file is written beside path and renamed into place, so a
// failure leaves an old file whole.
func Export(ctx context.Context, patches []Patch, path string) error {
	return ExportNamed(ctx, patches, path, ExportNames{})
}

// ExportNamed is Export with the names an XLSX file writes beside the
// codes (other formats write codes only).
func ExportNamed(ctx context.Context, patches []Patch, path string, names ExportNames) error {
	if err := ExportFormat(path); err != nil {
		return err
	}
	out, err := outfile.Create(path, ExportOptions(path, true))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrExport, err)
	}
	defer out.Abort()
	if err := exportTo(ctx, patches, out, names); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("%w: %w", ErrExport, err)
	}
	return nil
}

// ExportTo writes patches into out's temporary file in the format of its
// target's extension, as Export does; the caller commits or aborts out.
func ExportTo(ctx context.Context, patches []Patch, out *outfile.File) error {
	return exportTo(ctx, patches, out, ExportNames{})
}

func exportTo(ctx context.Context, patches []Patch, out *outfile.File, names ExportNames) error {
	path := out.Path()
	var err error
	switch strings.ToLower(filepath.Ext(out.Target())) {
	case ".json":
		err = exportJSON(patches, path)
	case ".csv":
		err = exportCSV(patches, path)
	case ".xlsx":
		err = exportXLSX(patches, path, names.withDefaults())
	case ".gpkg":
		err = exportGPKG(ctx, patches, path)
	default:
		return ExportFormat(out.Target())
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrExport, out.Target(), err)
	}
	return nil
}

func exportJSON(patches []Patch, path string) error {
	type out struct {
		Patch
		WKT string `json:"wkt"`
	}
	list := make([]out, len(patches))
	for i, p := range patches {
		list[i] = out{p, wkt.MarshalString(p.Geom)}
	}
	b, err := json.MarshalIndent(list, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func exportCSV(patches []Patch, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	head := make([]string, 0, len(exportHeaders)+1)
	for _, h := range exportHeaders {
		head = append(head, h[0])
	}
	w.Write(append(head, "wkt"))
	for i := range patches {
		w.Write(append(patches[i].row(), wkt.MarshalString(patches[i].Geom)))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func exportGPKG(ctx context.Context, patches []Patch, path string) error {
	srid := 4550
	if len(patches) > 0 && patches[0].SRID > 0 {
		srid = patches[0].SRID
	}
	db, err := gpkg.Create(path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := ensureTables(ctx, db, srid); err != nil {
		return err
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ts := now()
	copied := append([]Patch(nil), patches...)
	pw, err := newPatchWriter(ctx, tx, srid, copied)
	if err != nil {
		return err
	}
	defer pw.close()
	for i := range copied {
		if err := pw.upsert(ctx, i, nil, ts); err != nil {
			return err
		}
		p := copied[i]
		if _, err := tx.ExecContext(ctx, `UPDATE lantu_conflicts SET status=?, reviewer=?, reviewed_at=?, comment=?,
			first_seen=coalesce(nullif(?,''),first_seen), last_seen=coalesce(nullif(?,''),last_seen) WHERE fid=?`,
			orDefault(patches[i].Status, StatusOpen), patches[i].Reviewer, patches[i].ReviewedAt, patches[i].Comment,
			patches[i].FirstSeen, patches[i].LastSeen, p.ID); err != nil {
			return err
		}
	}
	if err := db.UpdateExtent(ctx, tx, TableConflicts); err != nil {
		return err
	}
	return tx.Commit()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
