package replica

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fileHolds tells whether any of the blueprint's files (the GeoPackage
// and its -wal) holds s.
func fileHolds(t *testing.T, path, s string) bool {
	t.Helper()
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// TestTokenOutOfBlueprint: a replica's token is in the 0600 token file,
// not in any byte of the blueprint, nor in the Remote's or the Result's
// JSON; a blueprint that kept its token in lantu_remotes (made before)
// has it moved out by its next sync, which still works; without a token
// a sync fails naming the file.
func TestTokenOutOfBlueprint(t *testing.T) {
	ctx := context.Background()
	t.Setenv(TokensEnv, filepath.Join(t.TempDir(), "cfg", "tokens.json"))
	e := newSQLiteEnv(t)
	tok := e.tokens["admin"]
	bp := e.clone("admin", CloneOptions{Layers: []string{"XZ_DLTB"}})
	edit(t, bp, "xz_dltb", patchUID(1), map[string]any{"tbbh": "x"})
	res := syncOnce(t, bp)
	file, _ := TokenFile()
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file %s: %v %v, want mode 0600", file, st, err)
	}
	if dir, _ := os.Stat(filepath.Dir(file)); dir.Mode().Perm() != 0o700 {
		t.Errorf("token folder mode %v, want 0700", dir.Mode().Perm())
	}
	if b, _ := os.ReadFile(file); !bytes.Contains(b, []byte(tok)) {
		t.Fatal("the token is not in the token file")
	}
	if fileHolds(t, bp.Path(), tok) {
		t.Fatal("the token is in the blueprint's bytes")
	}
	r, err := LoadRemote(ctx, bp, RemoteName)
	if err != nil || r.Token != tok {
		t.Fatalf("LoadRemote: token %v", err)
	}
	for _, v := range []any{r, res} {
		if b, _ := json.Marshal(v); bytes.Contains(b, []byte(tok)) {
			t.Errorf("the token is in the JSON of %T", v)
		}
	}
	// A blueprint made before: the token in lantu_remotes, none in the file.
	os.Remove(file)
	if err := bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE lantu_remotes SET token = ?`, tok)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	edit(t, bp, "xz_dltb", patchUID(1), map[string]any{"tbbh": "y"})
	syncOnce(t, bp)
	if got := e.serverFeature("xz_dltb", patchUID(1)).Props["tbbh"]; got != "y" {
		t.Fatalf("the sync of the legacy blueprint pushed %v", got)
	}
	var col string
	bp.Read(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, `SELECT token FROM lantu_remotes`).Scan(&col) })
	if b, _ := os.ReadFile(file); col != "" || !bytes.Contains(b, []byte(tok)) {
		t.Fatalf("the legacy token was not moved: column %d bytes, file has it %v", len(col), bytes.Contains(b, []byte(tok)))
	}
	// A replica removed: its entry goes at the next save of another.
	gone := e.clone("admin2", CloneOptions{Layers: []string{"XZ_DLTB"}})
	gone.Close()
	os.Remove(gone.Path())
	e.clone("bureau", CloneOptions{Layers: []string{"XZ_DLTB"}})
	if b, _ := os.ReadFile(file); bytes.Contains(b, []byte(e.tokens["admin2"])) || !bytes.Contains(b, []byte(e.tokens["bureau"])) {
		t.Errorf("the token file after a replica was removed:\n%s", b)
	}
	os.Remove(file)
	s, err := NewSyncer(ctx, bp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx, nil); !errors.Is(err, ErrNoToken) || KindOf(err) != Permission || !bytes.Contains([]byte(err.Error()), []byte(file)) {
		t.Fatalf("sync without a token: %v, want ErrNoToken naming %s", err, file)
	}
}
