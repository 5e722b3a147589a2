package exchange

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned by a write to a closed store.
var ErrClosed = errors.New("exchange: store closed")

// sqliteWrite is one Update waiting for the writer goroutine.
type sqliteWrite struct {
	ctx  context.Context
	fn   func(Tx) error
	done chan error // gets fn's outcome once its group is committed
}

// The writer commits the Updates waiting for it together, in arrival
// order, in one transaction, each in its own savepoint: one fsync for many
// pushes. A group takes in the Updates that arrive while it runs until
// sqliteGroupTime has passed or sqliteGroupMax are in it, so that no
// Update waits long for a commit behind a stream of others.
const (
	sqliteGroupMax  = 64
	sqliteGroupTime = 250 * time.Millisecond
)

// Update runs fn in a write transaction and returns once it is committed
// (durably: synchronous=FULL). fn runs on the writer goroutine, in its own
// savepoint of a transaction that may commit other Updates too; fn's error
// (or panic) rolls back fn's writes only. Updates are applied in the order
// they reach the writer, first come first served. An Update whose ctx is
// done before its turn is not run; once fn runs, the statements ignore
// ctx's cancellation (interrupting one would roll back the whole group).
func (s *SQLite) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &sqliteWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- w:
	case <-s.closing:
		return fmt.Errorf("%w: sqlite %s", ErrClosed, s.path)
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-w.done
}

// writer owns the write connection: it takes Updates in arrival order and
// commits them in groups until the store closes.
func (s *SQLite) writer() {
	defer close(s.stopped)
	for {
		select {
		case w := <-s.writes:
			s.commitGroup(w)
		case <-s.closing:
			return
		}
	}
}

// next is the next waiting Update, nil if none is.
func (s *SQLite) next() *sqliteWrite {
	select {
	case w := <-s.writes:
		return w
	default:
		return nil
	}
}

// commitGroup runs first and the Updates arriving meanwhile (within the
// group's limits) in one transaction, commits it and answers each.
func (s *SQLite) commitGroup(first *sqliteWrite) {
	start := time.Now()
	group := []*sqliteWrite{first}
	errs := []error{nil}
	g, err := s.beginGroup()
	for i := 0; err == nil; i++ {
		errs[i], err = g.run(group[i])
		if err != nil || len(group) == sqliteGroupMax || time.Since(start) >= sqliteGroupTime {
			break
		}
		w := s.next()
		if w == nil {
			break
		}
		group, errs = append(group, w), append(errs, nil)
	}
	if err == nil {
		err = s.wrap("commit", g.tx.Commit())
	}
	if g != nil {
		g.tx.Rollback() // after a commit, a no-op
	}
	for i, w := range group {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		w.done <- errs[i]
	}
}

// sqliteGroup is the transaction a group of Updates shares, with the
// statements bound to it.
type sqliteGroup struct {
	s     *SQLite
	tx    *sql.Tx
	seq   int64
	stmts map[*sql.Stmt]*sql.Stmt
}

func (s *SQLite) beginGroup() (*sqliteGroup, error) {
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap("begin", err)
	}
	g := &sqliteGroup{s: s, tx: tx, stmts: map[*sql.Stmt]*sql.Stmt{}}
	if err := g.stmt(s.st.seqGet).QueryRowContext(ctx).Scan(&g.seq); err != nil {
		tx.Rollback()
		return nil, s.wrap("seq", err)
	}
	return g, nil
}

// stmt is a prepared statement of the store bound to the transaction
// (prepared once per store, not per use).
func (g *sqliteGroup) stmt(st *sql.Stmt) *sql.Stmt {
	if t, ok := g.stmts[st]; ok {
		return t
	}
	t := g.tx.Stmt(st)
	g.stmts[st] = t
	return t
}

// run runs one Update in a savepoint. res is the Update's own outcome;
// fatal is an error that leaves the transaction unusable, failing the
// whole group.
func (g *sqliteGroup) run(w *sqliteWrite) (res, fatal error) {
	if err := w.ctx.Err(); err != nil {
		return err, nil
	}
	ctx := context.WithoutCancel(w.ctx)
	if _, err := g.tx.ExecContext(ctx, `SAVEPOINT up`); err != nil {
		return nil, g.s.wrap("savepoint", err)
	}
	t := &sqliteTx{s: g.s, g: g, ctx: ctx, seq: g.seq, cids: map[string]int64{}, acc: extentAcc{}}
	res = callUpdate(w.fn, t)
	if res == nil {
		res = t.flush()
	}
	if res != nil {
		if _, err := g.tx.ExecContext(ctx, `ROLLBACK TO up`); err != nil {
			return res, g.s.wrap("rollback to savepoint", err)
		}
	}
	if _, err := g.tx.ExecContext(ctx, `RELEASE up`); err != nil {
		return res, g.s.wrap("release savepoint", err)
	}
	if res == nil {
		g.seq = t.seq
	}
	return res, nil
}

// callUpdate calls fn, turning a panic into an error (fn runs on the
// writer goroutine, which must outlive it).
func callUpdate(fn func(Tx) error, t *sqliteTx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("exchange: sqlite %s: update panicked: %v", t.s.path, p)
		}
	}()
	return fn(t)
}
