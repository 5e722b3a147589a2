package layers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// square is a closed 10 m square at x, y.
func square(x, y float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + 10, y}, {x + 10, y + 10}, {x, y + 10}, {x, y}}}
}

// TestWritesRefusedReadOnly: every write of a read-only blueprint is
// refused up front with ErrReadOnly naming the file, before doing any work.
func TestWritesRefusedReadOnly(t *testing.T) {
	poly, _ := testLayers(t)
	_, path := newTestBlueprint(t)
	bp, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	ctx := context.Background()
	called := false
	_, bulkErr := bp.Bulk(ctx)
	_, stepErr := bp.BeginStep(ctx)
	_, remoteErr := bp.ApplyRemote(ctx, RemoteBatch{Remote: "hub", Collection: poly.Table, Cursor: "1",
		Changes: []RemoteChange{{Layer: poly.Code, UID: "u", Geom: square(0, 0), Version: 1}}})
	for name, err := range map[string]error{
		"Write":       bp.Write(ctx, func(*sql.Tx) error { called = true; return nil }),
		"Bulk":        bulkErr,
		"BeginStep":   stepErr,
		"ApplyRemote": remoteErr,
		"AckJournal":  bp.AckJournal(ctx, "hub", 0),
		"SetCursor":   bp.SetCursor(ctx, "hub", poly.Table, "7"),
	} {
		if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "opened read-only: "+path) {
			t.Errorf("%s on a read-only blueprint: %v", name, err)
		}
	}
	if called {
		t.Error("Write called its function on a read-only blueprint")
	}
	if c, err := bp.Cursor(ctx, "hub", poly.Table); c != "" || err != nil {
		t.Errorf("cursor of a read-only blueprint: %q, %v", c, err)
	}
}

// TestStepTx: committed steps keep their rows and a rolled back one
// none, and each frees the writer for the next write.
func TestStepTx(t *testing.T) {
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	if err := bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE TABLE lantu_steps (id INTEGER PRIMARY KEY, v BLOB)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		s, err := bp.BeginStep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Tx().Exec(`INSERT INTO lantu_steps (v) VALUES (zeroblob(100000))`); err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			err = s.Rollback()
		} else {
			err = s.Commit()
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if err := s.Rollback(); err != nil { // after the end: nothing
			t.Fatal(err)
		}
	}
	var n int
	err := bp.Read(ctx, func(tx *sql.Tx) error { return tx.QueryRow(`SELECT count(*) FROM lantu_steps`).Scan(&n) })
	if err != nil || n != 5 {
		t.Fatalf("%d rows (%v), want the 5 committed steps'", n, err)
	}
}

func TestWriteReadHasTable(t *testing.T) {
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE lantu_bookmarks (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
			return err
		}
		if ok, err := TableExists(ctx, tx, "lantu_bookmarks"); !ok || err != nil {
			t.Errorf("TableExists inside the transaction: %v %v", ok, err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO lantu_bookmarks (name) VALUES ('河口')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := bp.HasTable(ctx, "lantu_bookmarks"); !ok || err != nil {
		t.Errorf("HasTable after commit: %v %v", ok, err)
	}
	if ok, err := bp.HasTable(ctx, "lantu_nothing"); ok || err != nil {
		t.Errorf("HasTable of a missing table: %v %v", ok, err)
	}
	boom := errors.New("boom")
	err = bp.Write(ctx, func(tx *sql.Tx) error {
		tx.ExecContext(ctx, `INSERT INTO lantu_bookmarks (name) VALUES ('lost')`)
		return boom
	})
	var names []string
	bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name FROM lantu_bookmarks ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		return rows.Err()
	})
	if !errors.Is(err, boom) || strings.Join(names, ",") != "河口" {
		t.Errorf("a failed Write: %v, rows %v", err, names)
	}
}

// otherWriter opens a connection of its own on the file, as another
// process would.
func otherWriter(t *testing.T, path string, busyMillis int) *sql.DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: path}
	db, err := sql.Open(gpkg.DriverName, u.String()+"?_txlock=immediate&_busy_timeout="+strconv.Itoa(busyMillis))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestWriteWaitsForAnotherWriter: a Write that reads before it writes,
// started while another connection holds the file's write lock, waits for
// it instead of failing with "database is locked"; and it holds the lock
// itself from its start.
func TestWriteWaitsForAnotherWriter(t *testing.T) {
	bp, path := newTestBlueprint(t)
	ctx := context.Background()
	other := otherWriter(t, path, 0)
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE gpkg_contents SET last_change = last_change`); err != nil {
		t.Fatal(err)
	}
	const hold = 300 * time.Millisecond
	time.AfterFunc(hold, func() { tx.Commit() })
	start := time.Now()
	err = bp.Write(ctx, func(wtx *sql.Tx) error {
		var n int
		if err := wtx.QueryRowContext(ctx, `SELECT count(*) FROM lantu_catalog`).Scan(&n); err != nil {
			return err
		}
		if _, err := other.Exec(`UPDATE gpkg_contents SET last_change = last_change`); err == nil {
			t.Error("another connection wrote while Write held the blueprint")
		}
		_, err := wtx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = 'x' WHERE table_name = 'lantu_journal'`)
		return err
	})
	if err != nil {
		t.Fatalf("Write beside another writer: %v", err)
	}
	if waited := time.Since(start); waited < hold*9/10 {
		t.Errorf("Write returned after %v, before the other writer let go (%v)", waited, hold)
	}
}

func TestJournalRangeAndAck(t *testing.T) {
	poly, _ := testLayers(t)
	bp, path := newTestBlueprint(t)
	ctx := context.Background()
	for i := range 5 {
		if _, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(float64(20*i), 0)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := bp.Journal(ctx, 0, 2)
	if err != nil || len(first) != 2 || first[0].ID != 1 || first[1].ID != 2 {
		t.Fatalf("Journal(0, 2): %+v %v", first, err)
	}
	rest, _ := bp.Journal(ctx, first[1].ID, 0)
	if len(rest) != 3 || rest[0].ID != 3 || rest[2].ID != 5 {
		t.Fatalf("Journal(2, all): %+v", rest)
	}
	e := rest[0]
	if e.Op != OpInsert || e.Layer != poly.Table || e.UID == "" || e.BaseVersion != 0 || string(e.Before) != "null" ||
		!strings.Contains(string(e.After), `"id":"`+e.UID+`"`) || e.User != "tester" || time.Since(e.Time) > time.Minute {
		t.Errorf("entry 3: %+v", e)
	}
	if head, err := bp.JournalHead(ctx); head != 5 || err != nil {
		t.Errorf("JournalHead: %d %v", head, err)
	}
	if n, err := bp.JournalAcked(ctx, "hub"); n != 0 || err != nil {
		t.Errorf("nothing acknowledged yet: %d %v", n, err)
	}
	if err := bp.AckJournal(ctx, "hub", 3); err != nil {
		t.Fatal(err)
	}
	if err := bp.AckJournal(ctx, "hub", 2); err != nil {
		t.Fatal(err)
	}
	if err := bp.AckJournal(ctx, "hub", 6); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("acknowledging past the journal: %v", err)
	}
	bp.Close()
	bp, err = Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if n, _ := bp.JournalAcked(ctx, "hub"); n != 3 {
		t.Errorf("acknowledged up to %d after reopening, want 3 (it never moves back)", n)
	}
	if n, _ := bp.JournalAcked(ctx, "other"); n != 0 {
		t.Errorf("another remote acknowledged %d", n)
	}
}

func TestCursors(t *testing.T) {
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	// A file made before remotes were named: lantu_sync_state without them.
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DROP TABLE lantu_sync_state`, `CREATE TABLE lantu_sync_state (
			id INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL UNIQUE, cursor TEXT,
			pushed_journal_id INTEGER NOT NULL DEFAULT 0, updated_at TEXT)`,
			`INSERT INTO lantu_sync_state (collection, cursor) VALUES ('roads', 'old-7')`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := bp.Cursor(ctx, "hub", "roads"); c != "" || err != nil {
		t.Errorf("cursor before migration: %q %v", c, err)
	}
	if err := bp.SetCursor(ctx, "hub", "roads", "c-12"); err != nil {
		t.Fatal(err)
	}
	if err := bp.SetCursor(ctx, "mirror", "roads", "m-3"); err != nil {
		t.Fatal(err)
	}
	if err := bp.SetCursor(ctx, "hub", "roads", "c-13"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range [][3]string{{"hub", "roads", "c-13"}, {"mirror", "roads", "m-3"}, {"", "roads", "old-7"}, {"hub", "rivers", ""}} {
		if c, err := bp.Cursor(ctx, tc[0], tc[1]); c != tc[2] || err != nil {
			t.Errorf("Cursor(%q, %q) = %q, %v; want %q", tc[0], tc[1], c, err, tc[2])
		}
	}
	if err := bp.SetCursor(ctx, "", "roads", "x"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("cursor without a remote: %v", err)
	}
}

// TestWritersAtOnce: local edits, remote batches, Lantu-table writes and
// reads from many goroutines all succeed, and a listener hears every
// feature write.
func TestWritersAtOnce(t *testing.T) {
	poly, _ := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	if err := bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE lantu_notes (id INTEGER PRIMARY KEY, n INTEGER)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var heard sync.WaitGroup
	heard.Add(40)
	bp.OnChange(func(ChangeSet) { heard.Done() })
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				var err error
				switch w {
				case 0:
					_, err = bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(float64(20*i), 500)})
				case 1:
					_, err = bp.ApplyRemote(ctx, remoteBatch(poly.Code, fmt.Sprint(i), 10*i, 10))
				case 2:
					err = bp.Write(ctx, func(tx *sql.Tx) error {
						_, err := tx.ExecContext(ctx, `INSERT INTO lantu_notes (n) VALUES (?)`, i)
						return err
					})
					if err == nil {
						_, err = bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(float64(20*i), 900)})
					}
				case 3:
					err = bp.Read(ctx, func(tx *sql.Tx) error {
						var n int
						return tx.QueryRowContext(ctx, `SELECT count(*) FROM lantu_notes`).Scan(&n)
					})
					if err == nil {
						_, err = bp.ApplyRemote(ctx, remoteBatch(poly.Code, fmt.Sprint(i), 1000+i, 1))
					}
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	done := make(chan struct{})
	go func() { heard.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener did not hear all 40 feature writes")
	}
	if n := bp.Layer(poly.Code).Count(); n != 20+100+10 {
		t.Errorf("%d features, want 130", n)
	}
}

// TestPlainGeoPackage: a GeoPackage that is not a blueprint has an empty
// journal and no cursors, and gains a sync state table on first use.
func TestPlainGeoPackage(t *testing.T) {
	path := t.TempDir() + "/plain.gpkg"
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	bp, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	ctx := context.Background()
	j, err := bp.Journal(ctx, 0, 0)
	head, herr := bp.JournalHead(ctx)
	c, cerr := bp.Cursor(ctx, "hub", "roads")
	if len(j) != 0 || err != nil || head != 0 || herr != nil || c != "" || cerr != nil {
		t.Errorf("journal %v %v, head %d %v, cursor %q %v", j, err, head, herr, c, cerr)
	}
	if err := bp.SetCursor(ctx, "hub", "roads", "r-1"); err != nil {
		t.Fatal(err)
	}
	if err := bp.AckJournal(ctx, "hub", 0); err != nil {
		t.Fatal(err)
	}
	if c, _ := bp.Cursor(ctx, "hub", "roads"); c != "r-1" {
		t.Errorf("cursor %q", c)
	}
	if ok, _ := bp.HasTable(ctx, "lantu_sync_state"); !ok {
		t.Error("no lantu_sync_state after SetCursor")
	}
}
