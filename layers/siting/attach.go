package siting

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"time"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// TableReports is the blueprint table that keeps siting reports with their
// proposal: one row per report written (the file's bytes, its format, the
// verdict, who made it and when). It is registered in gpkg_contents as an
// attributes table, so GDAL and QGIS list it as a plain table.
const TableReports = "lantu_reports"

// The report formats Attach takes.
const (
	FormatPDF  = "pdf"
	FormatXLSX = "xlsx"
)

// reportColumns are lantu_reports' columns after fid.
var reportColumns = []gpkg.Column{
	{Name: "layer", Type: "TEXT", NotNull: true}, {Name: "uid", Type: "TEXT", NotNull: true},
	{Name: "created_at", Type: "TEXT", NotNull: true}, {Name: "created_by", Type: "TEXT"},
	{Name: "format", Type: "TEXT", NotNull: true}, {Name: "verdict", Type: "TEXT", NotNull: true},
	{Name: "project", Type: "TEXT"}, {Name: "size", Type: "INTEGER", NotNull: true},
	{Name: "data", Type: "BLOB", NotNull: true},
}

// StoredReport is one row of lantu_reports without its bytes (ReportData
// reads them). A plain value, safe for concurrent use.
type StoredReport struct {
	ID        int64     // the row's fid
	Layer     string    // the proposal's layer code
	UID       string    // the proposal's uid
	CreatedAt time.Time // UTC
	CreatedBy string
	Format    string // FormatPDF or FormatXLSX
	Verdict   Verdict
	Project   string
	Size      int // bytes
}

// Render writes rep in format (FormatPDF or FormatXLSX) and returns the
// bytes. The PDF's maps read bp; the XLSX does not.
func Render(ctx context.Context, bp *layers.Blueprint, rep *Report, format string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case FormatPDF:
		err = WritePDF(ctx, &buf, bp, rep)
	case FormatXLSX:
		err = WriteXLSX(&buf, rep)
	default:
		return nil, fmt.Errorf("%w: format %q, want pdf or xlsx", ErrReport, format)
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Attach stores a report of rep's proposal in bp's lantu_reports (creating
// the table the first time) through the blueprint's writer, and returns its
// id. data is the report file in format; created_by is rep.Reviewer, or the
// blueprint's user. On a read-only blueprint it returns layers.ErrReadOnly
// naming the file and stores nothing. Safe for concurrent use.
func Attach(ctx context.Context, bp *layers.Blueprint, rep *Report, format string, data []byte) (int64, error) {
	if format != FormatPDF && format != FormatXLSX {
		return 0, fmt.Errorf("%w: %s: format %q, want pdf or xlsx", ErrReport, TableReports, format)
	}
	if rep == nil || rep.UID == "" || len(data) == 0 {
		return 0, fmt.Errorf("%w: %s: a report needs its proposal's uid and some bytes", ErrReport, TableReports)
	}
	by := rep.Reviewer
	if by == "" {
		by = bp.User()
	}
	var id int64
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		if err := createReports(ctx, bp, tx); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO `+TableReports+` (layer, uid, created_at, created_by, format, verdict, project, size, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, rep.Layer, rep.UID, time.Now().UTC().Format(timeFormat), by, format,
			rep.Verdict.Code(), rep.Project, len(data), data)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("siting: %s: attach report of %s %s: %w", bp.Path(), rep.Layer, rep.UID, err)
	}
	return id, nil
}

// timeFormat is how created_at is written (UTC, milliseconds).
const timeFormat = "2006-01-02T15:04:05.000Z"

// createReports creates lantu_reports in tx when it does not see it.
func createReports(ctx context.Context, bp *layers.Blueprint, tx *sql.Tx) error {
	ok, err := layers.TableExists(ctx, tx, TableReports)
	if err != nil || ok {
		return err
	}
	spec := gpkg.TableSpec{Table: TableReports, DataType: "attributes", Identifier: "选址审查报告 Siting reports",
		Description: "Siting review reports attached to their proposals", Columns: reportColumns}
	if err := bp.DB().CreateTable(ctx, tx, spec); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `CREATE INDEX lantu_reports_uid ON `+TableReports+`(uid, created_at)`)
	return err
}

// Reports lists the reports attached to the proposal with uid, newest
// first; none when the blueprint has no lantu_reports table. Safe for
// concurrent use.
func Reports(ctx context.Context, bp *layers.Blueprint, uid string) ([]StoredReport, error) {
	var out []StoredReport
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, TableReports); err != nil || !ok {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT fid, layer, uid, created_at, coalesce(created_by, ''), format, verdict,
			coalesce(project, ''), size FROM `+TableReports+` WHERE uid = ? ORDER BY created_at DESC, fid DESC`, uid)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanReport(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("siting: %s: %s: %w", bp.Path(), TableReports, err)
	}
	return out, nil
}

func scanReport(rows *sql.Rows) (StoredReport, error) {
	var r StoredReport
	var at, verdict string
	if err := rows.Scan(&r.ID, &r.Layer, &r.UID, &at, &r.CreatedBy, &r.Format, &verdict, &r.Project, &r.Size); err != nil {
		return r, err
	}
	t, err := time.Parse(timeFormat, at)
	if err != nil {
		return r, fmt.Errorf("fid %d: created_at %q: %w", r.ID, at, err)
	}
	r.CreatedAt = t
	if err := r.Verdict.UnmarshalJSON([]byte(`"` + verdict + `"`)); err != nil {
		return r, fmt.Errorf("fid %d: %w", r.ID, err)
	}
	return r, nil
}

// ReportData reads the bytes of the stored report id. Safe for concurrent
// use.
func ReportData(ctx context.Context, bp *layers.Blueprint, id int64) ([]byte, error) {
	var data []byte
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT data FROM `+TableReports+` WHERE fid = ?`, id).Scan(&data)
	})
	if err != nil {
		return nil, fmt.Errorf("siting: %s: %s fid %d: %w", bp.Path(), TableReports, id, err)
	}
	return data, nil
}
