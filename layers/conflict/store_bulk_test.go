package conflict

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

// TestBulkLoadIDs stores a first run of more than bulkMin patches (not a
// multiple of bulkRows; two rules, one whose id and severity need quoting
// or hex in SQL) through the multi-row bulk load and checks each patch's
// ID names its own row with its rule's constants, the R-tree holds every
// row's box and passes SQLite's rtreecheck, and GDAL's validator accepts
// the file (the R-tree's triggers and the index are back).
func TestBulkLoadIDs(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t, nil)
	if err := ensureStore(ctx, bp); err != nil {
		t.Fatal(err)
	}
	n := bulkMin + bulkRows + 5
	patches := make([]Patch, n)
	for i := range patches {
		x, y := float64(500000+10*(i%50)), float64(4600000+10*(i/50))
		rule, sev := "R", "low"
		if i > n/2 {
			rule, sev = "R'2; --", "lo\x00w"
		}
		patches[i] = Patch{RuleID: rule, Severity: sev, Kind: KindExclusive,
			A: Ref{Layer: "XZ_DLTB", FID: int64(i + 1), UID: fmt.Sprintf("a%d", i)}, B: Ref{Layer: "GH_CGYD", FID: 1, UID: "b"},
			Area: 25, Perimeter: 20, SRID: bp.SRID(),
			Geom: orb.MultiPolygon{{{{x, y}, {x + 5, y}, {x + 5, y + 5}, {x, y + 5}, {x, y}}}}}
	}
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		return save(ctx, tx, bp.DB(), bp.SRID(), patches, scope{rules: []string{"R", "R'2; --"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = bp.Read(ctx, func(tx *sql.Tx) error {
		for _, p := range patches {
			var aFID int64
			var fp, rule, sev, status string
			if err := tx.QueryRowContext(ctx, `SELECT a_fid, fingerprint, rule_id, severity, status FROM lantu_conflicts WHERE fid = ?`,
				p.ID).Scan(&aFID, &fp, &rule, &sev, &status); err != nil {
				return fmt.Errorf("patch of A fid %d, ID %d: %w", p.A.FID, p.ID, err)
			}
			if aFID != p.A.FID || fp != p.Fingerprint || p.Status != StatusOpen || status != StatusOpen || rule != p.RuleID || sev != p.Severity {
				return fmt.Errorf("ID %d: row of A fid %d (%s, %q, %q), patch A fid %d (%s, %q, %q), status %q", p.ID, aFID, fp, rule, sev,
					p.A.FID, p.Fingerprint, p.RuleID, p.Severity, p.Status)
			}
		}
		var rows, boxes int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM lantu_conflicts`).Scan(&rows); err != nil {
			return err
		}
		rt := gpkg.QuoteIdent(gpkg.RTreeName(TableConflicts, "geom"))
		for _, p := range patches {
			var x0, x1, y0, y1 float64
			if err := tx.QueryRowContext(ctx, `SELECT minx, maxx, miny, maxy FROM `+rt+` WHERE id = ?`, p.ID).Scan(&x0, &x1, &y0, &y1); err != nil {
				return fmt.Errorf("R-tree row %d: %w", p.ID, err)
			}
			bd := p.Geom.Bound()
			if x0 > bd.Min[0] || x1 < bd.Max[0] || y0 > bd.Min[1] || y1 < bd.Max[1] || x1-x0 > bd.Max[0]-bd.Min[0]+1 {
				return fmt.Errorf("R-tree row %d: [%g %g %g %g], patch box %v", p.ID, x0, x1, y0, y1, bd)
			}
			boxes++
		}
		if rows != n || boxes != n {
			return fmt.Errorf("%d rows, %d R-tree entries, want %d", rows, boxes, n)
		}
		var check string
		if err := tx.QueryRowContext(ctx, `SELECT rtreecheck(?)`, gpkg.RTreeName(TableConflicts, "geom")).Scan(&check); err != nil || check != "ok" {
			return fmt.Errorf("rtreecheck: %q, %v", check, err)
		}
		var idx int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'lantu_conflicts_rule'`).Scan(&idx); err != nil || idx != 1 {
			return fmt.Errorf("index lantu_conflicts_rule: %d, %v", idx, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := bp.Path()
	bp.Close()
	peertest.ValidateGPKG(t, path)
}

// BenchmarkBulkSave stores 100k patches shaped like a city's (12-point
// rings, two rules, a few key attributes per feature) into an empty
// lantu_conflicts in one transaction: the store alone, in rows per second
// of wall time and of CPU time (the process's, the encoding goroutines'
// included), the latter steadier on a shared machine.
func BenchmarkBulkSave(b *testing.B) {
	ctx := context.Background()
	const n = 100_000
	patches := make([]Patch, n)
	attrs := make([]map[string]any, 1000)
	for i := range attrs {
		attrs[i] = map[string]any{"dlbm": fmt.Sprintf("%04d", i%40), "mc": fmt.Sprintf("地块 %d", i), "xzqdm": "210102"}
	}
	for i := range patches {
		x, y := float64(500000+37*(i%700)), float64(4600000+37*(i/700))
		ring := make(orb.Ring, 0, 13)
		for k := range 12 {
			ring = append(ring, orb.Point{x + 10*float64(k%4), y + 10*float64(k/4)})
		}
		rule := "STATUS-PLAN"
		if i >= n*4/5 {
			rule = "DIFF-CG-TG"
		}
		patches[i] = Patch{RuleID: rule, Severity: "low", Kind: KindExclusive, ClassPair: "0101→R",
			A:    Ref{Layer: "XZ_DLTB", FID: int64(i/2 + 1), UID: fmt.Sprintf("a-%08d", i/2), Attrs: attrs[(i/2)%1000]},
			B:    Ref{Layer: "GH_CGYD", FID: int64(i%5000 + 1), UID: fmt.Sprintf("b-%08d", i%5000), Attrs: attrs[i%1000]},
			Area: 600, Perimeter: 100, SRID: 4527, Geom: orb.MultiPolygon{{append(ring, ring[0])}}}
	}
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		bp := newBlueprint(b, nil)
		if err := ensureStore(ctx, bp); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		err := bp.Write(ctx, func(tx *sql.Tx) error {
			return save(ctx, tx, bp.DB(), bp.SRID(), patches, scope{rules: []string{"STATUS-PLAN", "DIFF-CG-TG"}})
		})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "rows/cpu-s")
	}
}
