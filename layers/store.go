package layers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrBusy is returned by a write that waited WriteLockWait for another
// process to release the file's write lock.
var ErrBusy = errors.New("layers: blueprint is being written by another process")

// WriteLockWait is how long a write waits for another process holding the
// blueprint's write lock before it fails with ErrBusy. Set it before
// opening blueprints; it is read by every write.
var WriteLockWait = 5 * time.Minute

// lockSQL is a write that changes nothing: run first in a transaction, it
// takes SQLite's write lock before anything is read, so the busy timeout
// applies to it (a deferred transaction that reads first and writes later
// fails at once with "database is locked" when another connection wrote in
// between).
const lockSQL = `UPDATE gpkg_contents SET table_name = table_name WHERE 0`

// Write runs fn in one transaction on the blueprint's writer, under the
// same writer lock as Apply, Bulk and ApplyRemote, and commits it when fn
// returns nil (fn's error is returned unchanged after a rollback). It is
// for Lantu's own tables (lantu_*, with their gpkg_contents rows and
// R-trees) and the QGIS tables (layer_styles, qgis_projects); feature tables are written by Apply, Bulk and ApplyRemote only.
// On a read-only blueprint it returns ErrReadOnly without calling fn. fn
// must read through tx (the reader pool does not see its writes), must not
// keep tx, and must not call another write method of b (the lock is not
// reentrant). Write does not wait for the layer indexes to load.
func (b *Blueprint) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := b.writable(); err != nil {
		return err
	}
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	tx, err := b.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("layers: %s: commit: %w", b.path, err)
	}
	return nil
}

// A StepTx is one of the many transactions of a long load of Lantu's own
// tables (a first conflict run storing its patches as it finds them),
// begun by BeginStep. Like Write's, it holds the writer lock until Commit
// or Rollback and is for the tables Write is for; unlike Write's, its
// commit does not wait for the WAL to be copied into the file: a
// background goroutine checkpoints it passively (gpkg.DB.CommitStep)
// while the load's next step runs. The writer is free between steps. A
// StepTx is not safe for concurrent use; it must not outlive its
// blueprint.
type StepTx struct {
	b    *Blueprint
	ctx  context.Context
	tx   *sql.Tx
	done bool
}

// BeginStep begins a StepTx, waiting for the writer as Write does. On a
// read-only blueprint it returns ErrReadOnly.
func (b *Blueprint) BeginStep(ctx context.Context) (*StepTx, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	tx, err := b.lockWrite(ctx)
	if err != nil {
		return nil, err
	}
	return &StepTx{b: b, ctx: ctx, tx: tx}, nil
}

// lockWrite takes the writer lock and begins a write (beginWrite); on
// failure the lock is released. The caller releases it after the
// transaction.
func (b *Blueprint) lockWrite(ctx context.Context) (*sql.Tx, error) {
	b.writeMu.Lock()
	tx, err := b.beginWrite(ctx)
	if err != nil {
		b.writeMu.Unlock()
		return nil, err
	}
	return tx, nil
}

// Tx is the step's transaction; the caller must not commit or roll it
// back itself.
func (s *StepTx) Tx() *sql.Tx { return s.tx }

// Commit commits the step and frees the writer; the WAL is checkpointed in
// the background.
func (s *StepTx) Commit() error {
	if s.done {
		return nil
	}
	s.done = true
	defer s.b.writeMu.Unlock()
	return s.b.db.CommitStep(s.ctx, s.tx)
}

// Rollback abandons the step and frees the writer; after Commit it does
// nothing.
func (s *StepTx) Rollback() error {
	if s.done {
		return nil
	}
	s.done = true
	defer s.b.writeMu.Unlock()
	return s.tx.Rollback()
}

// Read runs fn in one read-only transaction on the reader pool: every
// query in fn sees the same committed state. fn must not keep tx, and
// should be short: an open read holds back WAL checkpoints. Read never
// waits for the writer.
func (b *Blueprint) Read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := b.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("layers: %s: %w", b.path, err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// HasTable reports whether the blueprint has a table (or view) of that
// name, as last committed.
func (b *Blueprint) HasTable(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := b.Read(ctx, func(tx *sql.Tx) (err error) {
		ok, err = TableExists(ctx, tx, name)
		return err
	})
	return ok, err
}

// TableExists reports whether tx sees a table (or view) of that name: for
// use inside Write, where a table created by the transaction must count.
func TableExists(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = ?`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("layers: table %q: %w", name, err)
	}
	return n > 0, nil
}

// writable returns ErrReadOnly naming the file when b refuses writes.
func (b *Blueprint) writable() error {
	if b.db.ReadOnly || b.db.W == nil {
		return fmt.Errorf("%w: %s", ErrReadOnly, b.path)
	}
	return nil
}

// beginWrite starts a transaction on the writer holding SQLite's write
// lock from the start, waiting for another process that holds it (the
// busy timeout, retried until WriteLockWait has passed or ctx is done).
// The caller holds writeMu.
func (b *Blueprint) beginWrite(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(WriteLockWait)
	for {
		tx, err := b.db.W.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("layers: %s: %w", b.path, err)
		}
		_, err = tx.ExecContext(ctx, lockSQL)
		if err == nil {
			return tx, nil
		}
		tx.Rollback()
		switch {
		case !isBusy(err):
			return nil, fmt.Errorf("layers: %s: %w", b.path, err)
		case time.Now().After(deadline):
			return nil, fmt.Errorf("%w: %s: waited %v: %v", ErrBusy, b.path, WriteLockWait, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("layers: %s: %w", b.path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isBusy tells whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && (e.Code == sqlite3.ErrBusy || e.Code == sqlite3.ErrLocked)
}
