package gpkg

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

// readOnlyDir bind-mounts dir read-only at a new folder (so that even root
// cannot write there) and returns it; it is unmounted when the test ends.
func readOnlyDir(t *testing.T, dir string) string {
	t.Helper()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "--bind", dir, mnt).CombinedOutput(); err != nil {
		peertest.Missing(t, "a read-only folder needs a bind mount (root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	if out, err := exec.Command("mount", "-o", "remount,ro,bind", mnt).CombinedOutput(); err != nil {
		peertest.Missing(t, "remount read-only: %v %s", err, out)
	}
	if writable(mnt) {
		t.Fatalf("%s is still writable", mnt)
	}
	return mnt
}

// walSnapshot makes a GeoPackage with 3 features, deletes them in a
// committed transaction that stays in the -wal (the writer is still open),
// and copies the file, its -wal and its -shm into a new folder.
func walSnapshot(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "wal.gpkg")
	db, err := Create(src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.CreateTable(ctx, nil, TableSpec{Table: "pts", GeomType: "POINT", SRSID: 4326}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		b, _ := EncodeGeometry(orb.Point{float64(i), 1}, 4326)
		if _, err := db.W.Exec("INSERT INTO pts (geom) VALUES (?)", b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("DELETE FROM pts"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(src + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "wal.gpkg"+suffix), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if fileSize(filepath.Join(dir, "wal.gpkg-wal")) <= 0 {
		t.Fatal("the delete is not in the -wal")
	}
	return dir
}

func countRows(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow("SELECT count(*) FROM " + QuoteIdent(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReadOnlyFolderReadsWAL: in a read-only folder a file whose -wal holds
// a committed delete shows 0 features, as SQLite does, not the 3 the main
// file alone (immutable=1) would show; without its -shm it is refused with
// ErrNotGeoPackage; without a -wal it opens (immutable).
func TestReadOnlyFolderReadsWAL(t *testing.T) {
	dir := walSnapshot(t)
	mnt := readOnlyDir(t, dir)
	path := filepath.Join(mnt, "wal.gpkg")
	db, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "pts"); n != 0 {
		t.Errorf("read-only folder: %d features, SQLite with the WAL has 0", n)
	}
	db.Close()

	exec.Command("umount", mnt).Run()
	os.Remove(filepath.Join(dir, "wal.gpkg-shm"))
	mnt = readOnlyDir(t, dir)
	if db, err := Open(filepath.Join(mnt, "wal.gpkg"), true); !errors.Is(err, ErrStaleWAL) {
		if err == nil {
			db.Close()
		}
		t.Errorf("-wal without -shm in a read-only folder: err = %v, want ErrStaleWAL", err)
	}

	exec.Command("umount", mnt).Run()
	os.Remove(filepath.Join(dir, "wal.gpkg-wal"))
	mnt = readOnlyDir(t, dir)
	db, err = Open(filepath.Join(mnt, "wal.gpkg"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.ReadOnly || countRows(t, db, "pts") != 3 {
		t.Errorf("no -wal: ReadOnly %v, %d features; want read-only with the main file's 3", db.ReadOnly, countRows(t, db, "pts"))
	}
}
