package replica

import (
	"context"
	"database/sql"
	"testing"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

func countRows(t *testing.T, bp *layers.Blueprint, q string, args ...any) int {
	t.Helper()
	n := 0
	if err := bp.Read(context.Background(), func(tx *sql.Tx) error { return tx.QueryRowContext(context.Background(), q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSyncTablesRegistered: after syncs with applied pushes, a conflict
// and its resolution, every sync table is an attributes table of
// gpkg_contents, GDAL's validator passes the replica, and no shadow is
// left once nothing needs one (while the conflict is open, its feature's
// are kept).
func TestSyncTablesRegistered(t *testing.T) {
	ctx := context.Background()
	e := newSQLiteEnv(t)
	opt := CloneOptions{Layers: []string{"XZ_DLTB"}}
	mine, other := e.clone("admin", opt), e.clone("admin2", opt)
	for i := range 4 {
		edit(t, mine, "xz_dltb", patchUID(i), map[string]any{"tbbh": "m"})
	}
	syncOnce(t, mine)
	if n := countRows(t, mine, `SELECT count(*) FROM lantu_sync_shadow`); n != 0 {
		t.Fatalf("%d shadows left after every push was applied", n)
	}
	edit(t, other, "xz_dltb", patchUID(5), map[string]any{"tbbh": "other"})
	syncOnce(t, other)
	edit(t, mine, "xz_dltb", patchUID(5), map[string]any{"tbbh": "mine"})
	edit(t, mine, "xz_dltb", patchUID(6), map[string]any{"tbbh": "m6"})
	if res := syncOnce(t, mine); res.Conflicts != 1 {
		t.Fatalf("want one conflict: %+v", res)
	}
	if n := countRows(t, mine, `SELECT count(*) FROM lantu_sync_shadow`); n == 0 {
		t.Fatal("the open conflict's feature lost its shadows")
	}
	if n := countRows(t, mine, `SELECT count(*) FROM lantu_sync_shadow WHERE uid <> ?`, patchUID(5)); n != 0 {
		t.Fatalf("%d shadows of features with nothing pending", n)
	}
	if _, err := Resolve(ctx, mine, "xz_dltb", patchUID(5), TakeMine); err != nil {
		t.Fatal(err)
	}
	syncOnce(t, mine)
	if got := e.serverFeature("xz_dltb", patchUID(5)).Props["tbbh"]; got != "mine" {
		t.Fatalf("the resolution pushed %v", got)
	}
	if n := countRows(t, mine, `SELECT count(*) FROM lantu_sync_shadow`); n != 0 {
		t.Fatalf("%d shadows left after the conflict was resolved and pushed", n)
	}
	for _, tb := range []string{TableRemotes, TableResults, TableConflicts, TableOutbox, TableShadow} {
		if n := countRows(t, mine, `SELECT count(*) FROM gpkg_contents WHERE table_name = ? AND data_type = 'attributes'`, tb); n != 1 {
			t.Errorf("%s is not an attributes table of gpkg_contents", tb)
		}
	}
	path := mine.Path()
	mine.Close()
	peertest.ValidateGPKG(t, path)
}

// TestSyncTablesMigrated: tables made before fid (composite primary keys,
// unregistered) are rebuilt with their rows and registered by the next
// NewSyncer.
func TestSyncTablesMigrated(t *testing.T) {
	ctx := context.Background()
	e := newSQLiteEnv(t)
	bp := e.clone("admin", CloneOptions{Layers: []string{"XZ_DLTB"}})
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DROP TABLE lantu_sync_shadow`, `DROP TABLE lantu_sync_results`,
			`DELETE FROM gpkg_contents WHERE table_name IN ('lantu_sync_shadow', 'lantu_sync_results')`,
			`CREATE TABLE lantu_sync_shadow (remote TEXT NOT NULL, layer TEXT NOT NULL, uid TEXT NOT NULL,
				valid_from INTEGER NOT NULL, version INTEGER NOT NULL, state TEXT, PRIMARY KEY (remote, layer, uid, valid_from))`,
			`CREATE TABLE lantu_sync_results (journal_id INTEGER NOT NULL, remote TEXT NOT NULL,
				layer TEXT NOT NULL, uid TEXT NOT NULL, key TEXT, status TEXT NOT NULL, version INTEGER,
				reason TEXT, at TEXT NOT NULL, PRIMARY KEY (remote, journal_id))`,
			`INSERT INTO lantu_sync_results VALUES (7, 'exchange', 'xz_dltb', 'u', 'k', 'applied', 2, '', '2026-01-01')`,
			`INSERT INTO lantu_sync_shadow VALUES ('exchange', 'xz_dltb', 'u', 3, 2, NULL)`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSyncer(ctx, bp, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, bp, `SELECT count(*) FROM lantu_sync_results WHERE journal_id = 7 AND fid IS NOT NULL`); n != 1 {
		t.Errorf("the old result row: %d after the migration", n)
	}
	if n := countRows(t, bp, `SELECT count(*) FROM lantu_sync_shadow WHERE valid_from = 3 AND fid IS NOT NULL`); n != 1 {
		t.Errorf("the old shadow row: %d after the migration", n)
	}
	if n := countRows(t, bp, `SELECT count(*) FROM gpkg_contents WHERE table_name LIKE 'lantu_sync_%' AND data_type = 'attributes'`); n < 4 {
		t.Errorf("%d sync tables registered", n)
	}
	syncOnce(t, bp)
	path := bp.Path()
	bp.Close()
	peertest.ValidateGPKG(t, path)
}
