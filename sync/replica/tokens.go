package replica

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// Tokens are kept out of the blueprint (a file that is copied, mailed
// and opened by QGIS): in one file of the user's, tokens.json in the
// user's config folder (os.UserConfigDir()/lantu, or the file
// $LANTU_TOKENS names), mode 0600 in a 0700 folder, mapping a replica id
// to its server, token and file (an entry whose file is gone is dropped
// at the next save). No OS keyring is reachable here; the file's
// mode is the protection. lantu_remotes.token stays empty; a blueprint
// made before keeps its token there until its next sync moves it.
//
// The file is written whole to a temporary file and renamed, under a
// lock (flock) that other processes honour, so concurrent clones lose no
// entry. The functions are safe for concurrent use.

// TokensEnv names an environment variable holding the token file's path.
const TokensEnv = "LANTU_TOKENS"

// ErrNoToken is wrapped when no token is known for a replica.
var ErrNoToken = errors.New("replica: no token for this replica")

var tokensMu sync.Mutex

type tokenEntry struct {
	URL   string `json:"url"`
	Token string `json:"token"`
	Path  string `json:"blueprint,omitempty"` // where the replica was when its token was saved
}

// TokenFile is the file the tokens are kept in.
func TokenFile() (string, error) {
	if p := os.Getenv(TokensEnv); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("replica: no config folder for the token file (set %s): %w", TokensEnv, err)
	}
	return filepath.Join(dir, "lantu", "tokens.json"), nil
}

// withTokens runs fn on the token file's entries under the lock, writing
// them back when fn says so.
func withTokens(fn func(map[string]tokenEntry) bool) error {
	path, err := TokenFile()
	if err != nil {
		return err
	}
	tokensMu.Lock()
	defer tokensMu.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("replica: token file %s: %w", path, err)
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("replica: token file %s: %w", path, err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("replica: token file %s: lock: %w", path, err)
	}
	m := map[string]tokenEntry{}
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("replica: token file %s is not JSON (%v): fix or remove it", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("replica: token file %s: %w", path, err)
	}
	if !fn(m) {
		return nil
	}
	return writeTokens(path, m)
}

func writeTokens(path string, m map[string]tokenEntry) error {
	b, _ := json.MarshalIndent(m, "", "  ")
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokens-*")
	if err != nil {
		return fmt.Errorf("replica: token file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("replica: token file %s: %w", path, err)
	}
	return nil
}

// saveToken remembers the token of the replica at path, and forgets those
// of replicas whose file is gone.
func saveToken(replicaID, path, url, token string) error {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return withTokens(func(m map[string]tokenEntry) bool {
		e := tokenEntry{URL: url, Token: token, Path: path}
		if m[replicaID] == e {
			return false
		}
		for id, old := range m {
			if _, err := os.Stat(old.Path); old.Path != "" && errors.Is(err, os.ErrNotExist) {
				delete(m, id)
			}
		}
		m[replicaID] = e
		return true
	})
}

// loadToken reads the token of a replica; "" when there is none.
func loadToken(replicaID string) (string, error) {
	var tok string
	err := withTokens(func(m map[string]tokenEntry) bool {
		tok = m[replicaID].Token
		return false
	})
	return tok, err
}
