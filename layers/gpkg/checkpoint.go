package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
)

// The WAL of a long load is copied into the file beside the load, not
// after it. SQLite checkpoints from the connection that commits, once the
// WAL passes wal_autocheckpoint pages: a load of hundreds of megabytes
// would wait for all of its pages to be copied, and synced twice, at its
// last commit. CommitStep commits without that checkpoint and hands the
// WAL to a goroutine of the DB that checkpoints it passively on a
// connection of its own while the next transaction of the load runs.

// walAutoCheckpoint is SQLite's default wal_autocheckpoint, which the
// writer keeps for every commit but CommitStep's.
const walAutoCheckpoint = 1000

// checkpointer runs passive checkpoints on its own connection when asked.
// Its zero value is ready; it starts on the first ask. Safe for concurrent
// use.
type checkpointer struct {
	mu   sync.Mutex
	conn *sql.DB       // nil until started
	ask  chan struct{} // one pending ask at most
	done chan struct{} // closed when the goroutine has stopped
	ran  atomic.Int64  // checkpoints run
}

// CommitStep commits tx, a transaction of W, without SQLite's checkpoint
// at commit, and has the DB's background goroutine checkpoint the WAL
// passively: readers and the next write go on while the pages are copied.
// It is for the many transactions of one long load; the caller holds the
// writer (W's one connection is not used by anyone else until it returns).
// Close waits for a checkpoint under way, then the writer's close
// checkpoints whatever is left.
func (db *DB) CommitStep(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		return fmt.Errorf("gpkg: %s: %w", db.Path, err)
	}
	err := tx.Commit()
	// the setting is the connection's, not the transaction's
	_, rerr := db.W.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walAutoCheckpoint))
	if err != nil {
		return fmt.Errorf("gpkg: %s: commit: %w", db.Path, err)
	}
	if rerr != nil {
		return fmt.Errorf("gpkg: %s: committed, but wal_autocheckpoint not restored: %w", db.Path, rerr)
	}
	db.ckpt.request(db.Path)
	return nil
}

// request asks for a checkpoint of the file at abs, starting the goroutine
// on the first ask. An ask while one is pending is merged with it.
func (c *checkpointer) request(abs string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		conn, err := sql.Open(DriverName, dsn(abs, false, false))
		if err != nil {
			return // the writer's close checkpoints instead
		}
		conn.SetMaxOpenConns(1)
		c.conn, c.ask, c.done = conn, make(chan struct{}, 1), make(chan struct{})
		go c.run()
	}
	select {
	case c.ask <- struct{}{}:
	default:
	}
}

// run checkpoints once per ask until stop. A passive checkpoint copies
// what no reader still needs and never waits for a lock; one that fails
// loses nothing, the frames staying in the WAL for the next.
func (c *checkpointer) run() {
	defer close(c.done)
	for range c.ask {
		var busy, log, copied int
		c.conn.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied)
		c.ran.Add(1)
	}
}

// stop ends the goroutine after the checkpoint under way, if any, and
// closes its connection.
func (c *checkpointer) stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	close(c.ask)
	<-c.done
	err := c.conn.Close()
	c.conn = nil
	return err
}
