package conflict

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// A streamed first run (Options.Stream into an empty lantu_conflicts) is
// staged: its patches are written as the rules find them into a staging
// table of lantu_conflicts' own schema, named stagePrefix and a random
// suffix and registered nowhere, so no reader of the blueprint sees it.
// They go in steps of stepRows rows (layers.StepTx): the writer is free
// between steps, and each step's WAL is copied into the file in the
// background while the next is written, instead of all at the last
// commit. At the end one transaction swaps the staging table in for the
// empty lantu_conflicts, packs its R-tree, builds its index and records
// the run. Should lantu_conflicts have been written meanwhile, or the
// staging table be gone (every Run drops those it finds: a killed run's,
// or that of a run still going, which then falls back), the run is
// merged instead (errFallBack). A failed or cancelled run drops its
// staging table; lantu_conflicts is never touched before the swap.

// stagePrefix begins a staging table's name.
const stagePrefix = "lantu_conflicts_stage_"

// A step commits once it has written stepRows rows (some 25 MB of a
// city's patches), once it has been open stepTime, and at the end of each
// rule, so the writer is never held long.
const (
	stepRows = 32768
	stepTime = time.Second
)

// errFallBack: the staged run is to be merged instead.
var errFallBack = errors.New("conflict: lantu_conflicts was written during the run, or its staging table dropped")

// A stage is a staged run's staging table and its writer. Used by the one
// goroutine storing the run's patches.
type stage struct {
	ctx    context.Context // the run's
	bp     *layers.Blueprint
	w      *bulkWriter
	step   *layers.StepTx // open, or nil between steps
	inStep int            // rows written in step
	began  time.Time      // of step

	nodeSize int              // of lantu_conflicts' R-tree nodes
	packed   chan packedRTree // the R-tree, once all rows are written (pack)
}

type packedRTree struct {
	p   *gpkg.RTreePack
	err error
}

// openStage creates the staging table of a run into bp's empty
// lantu_conflicts (errFallBack when it is not empty), numbering the rows
// on from lantu_conflicts' sequence.
func openStage(ctx context.Context, bp *layers.Blueprint, keep bool) (*stage, error) {
	var suffix [8]byte
	rand.Read(suffix[:])
	s := &stage{ctx: ctx, bp: bp, w: newRowWriter(ctx, stagePrefix+hex.EncodeToString(suffix[:]), keep)}
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		empty, err := storeEmpty(ctx, tx)
		if err != nil || !empty {
			return cmpErr(err, errFallBack)
		}
		var ddl string
		if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, TableConflicts).Scan(&ddl); err != nil {
			return fmt.Errorf("%s: %w", TableConflicts, err)
		}
		cols := strings.IndexByte(ddl, '(')
		if cols < 0 {
			return fmt.Errorf("%s: table definition %q", TableConflicts, ddl)
		}
		if _, err := tx.ExecContext(ctx, "CREATE TABLE "+gpkg.QuoteIdent(s.w.table)+" "+ddl[cols:]); err != nil {
			return fmt.Errorf("staging table: %w", err)
		}
		if s.w.next, err = nextFID(ctx, tx); err != nil {
			return err
		}
		s.nodeSize, err = gpkg.RTreeNodeSize(ctx, tx, TableConflicts, "geom")
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// write adds a chunk's patches, committing the step when it is full.
func (s *stage) write(ps []Patch, enc []encodedPatch) error {
	if s.step == nil {
		if err := s.begin(); err != nil {
			return err
		}
	}
	if err := s.w.write(ps, enc); err != nil {
		return err
	}
	if s.inStep += len(ps); s.inStep >= stepRows || time.Since(s.began) >= stepTime {
		return s.commit()
	}
	return nil
}

// begin begins a step, which finds the staging table still there.
func (s *stage) begin() error {
	step, err := s.bp.BeginStep(s.ctx)
	if err != nil {
		return err
	}
	ok, err := layers.TableExists(s.w.ctx, step.Tx(), s.w.table)
	if err != nil || !ok {
		step.Rollback()
		return cmpErr(err, errFallBack)
	}
	s.step, s.w.tx, s.inStep, s.began = step, step.Tx(), 0, time.Now()
	return nil
}

// commit writes what is pending and commits the step.
func (s *stage) commit() error {
	if s.step == nil {
		return nil
	}
	err := s.w.flush()
	s.w.close()
	if err == nil {
		err = s.step.Commit()
	} else {
		s.step.Rollback()
	}
	s.step, s.w.tx = nil, nil
	return err
}

// pack packs the R-tree of the rows written in a goroutine, for swap;
// call it once, after the last step's commit.
func (s *stage) pack() {
	s.packed = make(chan packedRTree, 1)
	go func() {
		p, err := gpkg.PackRTree(TableConflicts, "geom", s.nodeSize, s.w.index)
		s.packed <- packedRTree{p, err}
	}()
}

// swap, in tx, replaces the empty lantu_conflicts with the staging table
// and indexes it (bulkWriter.indexRows). The old table's R-tree, empty,
// is kept and filled; its gpkg_* rows stand for the new table, which has
// its name. The rename is SQLite's legacy one, which leaves views and
// triggers naming lantu_conflicts as they are.
func (s *stage) swap(ctx context.Context, tx *sql.Tx) error {
	empty, err := storeEmpty(ctx, tx)
	if err != nil || !empty {
		return cmpErr(err, errFallBack)
	}
	if ok, err := layers.TableExists(ctx, tx, s.w.table); err != nil || !ok {
		return cmpErr(err, errFallBack)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA legacy_alter_table = ON"); err != nil {
		return err
	}
	defer tx.ExecContext(ctx, "PRAGMA legacy_alter_table = OFF") // the connection's setting, not the transaction's
	rt := gpkg.QuoteIdent(gpkg.RTreeName(TableConflicts, "geom"))
	for _, q := range []string{
		"DROP TABLE " + TableConflicts, // and its triggers and index
		"ALTER TABLE " + gpkg.QuoteIdent(s.w.table) + " RENAME TO " + TableConflicts,
		"DELETE FROM " + rt,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("swap in the staging table: %s: %w", q, err)
		}
	}
	if err := keepSequence(ctx, tx, s.w.next-1); err != nil {
		return err
	}
	if s.w.resume, err = gpkg.SuspendRTreeTriggers(ctx, tx, TableConflicts, "geom"); err != nil {
		return err
	}
	return s.w.indexRows(tx, func() (*gpkg.RTreePack, error) {
		if s.packed == nil {
			s.pack()
		}
		r := <-s.packed
		return r.p, r.err
	})
}

// keepSequence makes lantu_conflicts' AUTOINCREMENT sequence at least
// last, so no fid the old table gave is given again (a review names the
// patch it decided by fid).
func keepSequence(ctx context.Context, tx *sql.Tx, last int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`, last, TableConflicts)
	if err != nil {
		return fmt.Errorf("sequence: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 || last <= 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`, TableConflicts, last)
	return err
}

// abandon rolls back the open step and drops the staging table, even
// when ctx is cancelled.
func (s *stage) abandon(ctx context.Context) error {
	if s.step != nil {
		s.step.Rollback()
		s.step, s.w.tx = nil, nil
	}
	s.w.close()
	ctx = context.WithoutCancel(ctx)
	return s.bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+gpkg.QuoteIdent(s.w.table))
		return err
	})
}

// dropStaging drops, in tx, every staging table there is.
func dropStaging(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?`,
		len(stagePrefix), stagePrefix)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+gpkg.QuoteIdent(n)); err != nil {
			return fmt.Errorf("drop staging table %s: %w", n, err)
		}
	}
	return nil
}
