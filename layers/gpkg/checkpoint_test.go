package gpkg

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCommitStep: steps of a load committed with CommitStep keep every
// row, leave the writer's wal_autocheckpoint as it was, and have the WAL
// checkpointed by the background goroutine. Close waits for a checkpoint
// asked for, and leaves no WAL behind.
func TestCommitStep(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "steps.gpkg")
	db, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)`); err != nil {
		t.Fatal(err)
	}
	blob := make([]byte, 3000)
	for step := range 20 {
		tx, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 200 {
			if _, err := tx.Exec(`INSERT INTO t (v) VALUES (?)`, blob); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CommitStep(ctx, tx); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	var auto int
	if err := db.W.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != walAutoCheckpoint {
		t.Fatalf("wal_autocheckpoint %d (%v), want %d", auto, err, walAutoCheckpoint)
	}
	deadline := time.Now().Add(20 * time.Second)
	for db.ckpt.ran.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if db.ckpt.ran.Load() == 0 {
		t.Fatal("no background checkpoint ran")
	}
	// one more step, its checkpoint asked for and maybe under way at Close
	tx, _ := db.W.BeginTx(ctx, nil)
	tx.Exec(`INSERT INTO t (v) VALUES (?)`, blob)
	if err := db.CommitStep(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("-wal of %d bytes left after Close", st.Size())
	}
	r, err := sql.Open(DriverName, dsn(path, true, false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	if err := r.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 20*200+1 {
		t.Fatalf("%d rows (%v), want %d", n, err, 20*200+1)
	}
}
