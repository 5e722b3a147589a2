package exchange

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"lantu/sync/wire"
)

// snapFile is one snapshot file built: every live feature of a collection
// in one CRS at one cursor. Its name holds all of it, so a restarted
// server finds its files again: COLL~CRS~CURSOR~COUNT~SHA256.geojsons.
type snapFile struct {
	path   string
	cursor int64
	count  int64
	sum    []byte
	built  time.Time
}

func (f *snapFile) etag() string { return `"s` + hex.EncodeToString(f.sum[:12]) + `"` }

// snapshots builds and keeps snapshot files in a folder: the newest two
// per collection and CRS (the older one for downloads still resuming).
// It is safe for concurrent use; one build at a time per collection and
// CRS.
type snapshots struct {
	dir    string
	maxAge time.Duration
	mu     sync.Mutex
	keys   map[string]*snapKey
}

type snapKey struct {
	mu    sync.Mutex // held while building
	files []*snapFile
	read  bool // files read from the folder
}

func newSnapshots(dir string, maxAge time.Duration) *snapshots {
	return &snapshots{dir: dir, maxAge: maxAge, keys: map[string]*snapKey{}}
}

func (s *snapshots) key(coll string, crs int) *snapKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := coll + "~" + strconv.Itoa(crs)
	if s.keys[k] == nil {
		s.keys[k] = &snapKey{}
	}
	return s.keys[k]
}

// folder makes the snapshot folder: the configured one, or one in the
// system's temporary folder.
func (s *snapshots) folder() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		d, err := os.MkdirTemp("", "lantu-snapshots-")
		if err != nil {
			return "", fmt.Errorf("exchange: snapshot folder: %w", err)
		}
		s.dir = d
	}
	return s.dir, os.MkdirAll(s.dir, 0o755)
}

// scan reads the files of coll and crs already in the folder.
func (k *snapKey) scan(dir, coll string, crs int) {
	if k.read {
		return
	}
	k.read = true
	names, _ := filepath.Glob(filepath.Join(dir, coll+"~"+strconv.Itoa(crs)+"~*.geojsons"))
	for _, n := range names {
		if f := parseSnapName(n); f != nil {
			k.files = append(k.files, f)
		}
	}
	slices.SortFunc(k.files, func(a, b *snapFile) int { return cmp.Compare(a.cursor, b.cursor) })
}

func parseSnapName(path string) *snapFile {
	parts := strings.Split(strings.TrimSuffix(filepath.Base(path), ".geojsons"), "~")
	if len(parts) != 5 {
		return nil
	}
	cur, err1 := strconv.ParseInt(parts[2], 10, 64)
	n, err2 := strconv.ParseInt(parts[3], 10, 64)
	sum, err3 := hex.DecodeString(parts[4])
	st, err4 := os.Stat(path)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || len(sum) != sha256.Size {
		return nil
	}
	return &snapFile{path: path, cursor: cur, count: n, sum: sum, built: st.ModTime()}
}

// pick is the file to serve: the one If-Range names when it is still
// here, else the newest while it is fresh (younger than maxAge, or no
// change since its cursor), else nil (build one).
func (k *snapKey) pick(ifRange string, high int64, maxAge time.Duration) *snapFile {
	for _, f := range k.files {
		if ifRange != "" && f.etag() == ifRange {
			return f
		}
	}
	if len(k.files) == 0 {
		return nil
	}
	f := k.files[len(k.files)-1]
	if high <= f.cursor || time.Since(f.built) < maxAge {
		return f
	}
	return nil
}

// snapshotFile returns the snapshot file to serve for c in crs out.
func (s *Server) snapshotFile(ctx context.Context, c Collection, out int, ifRange string) (*snapFile, error) {
	dir, err := s.snaps.folder()
	if err != nil {
		return nil, err
	}
	high, err := s.store.HighWater(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	k := s.snaps.key(c.ID, out)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.scan(dir, c.ID, out)
	if f := k.pick(ifRange, high, s.snaps.maxAge); f != nil {
		return f, nil
	}
	f, err := s.buildSnapshot(ctx, dir, c, out)
	if err != nil {
		return nil, err
	}
	k.files = append(k.files, f)
	for len(k.files) > 2 {
		os.Remove(k.files[0].path)
		k.files = k.files[1:]
	}
	return f, nil
}

// buildSnapshot writes the snapshot of c into a new file of dir: written
// to a temporary name, synced, then renamed.
func (s *Server) buildSnapshot(ctx context.Context, dir string, c Collection, out int) (*snapFile, error) {
	tmp, err := os.CreateTemp(dir, ".build-*")
	if err != nil {
		return nil, fmt.Errorf("exchange: snapshot of %s: %w", c.ID, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	f := &snapFile{}
	f.cursor, err = s.writeSnapshot(ctx, c, out, bw, h, &f.count)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return nil, fmt.Errorf("exchange: snapshot of %s: %w", c.ID, err)
	}
	f.sum, f.built = h.Sum(nil), time.Now()
	f.path = filepath.Join(dir, fmt.Sprintf("%s~%d~%d~%d~%x.geojsons", c.ID, out, f.cursor, f.count, f.sum))
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return nil, fmt.Errorf("exchange: snapshot of %s: %w", c.ID, err)
	}
	return f, nil
}

func (s *Server) writeSnapshot(ctx context.Context, c Collection, out int, w *bufio.Writer, h hash.Hash, n *int64) (int64, error) {
	var b []byte
	return s.store.Snapshot(ctx, c.ID, func(rec *Record) error {
		f, err := s.wireFeature(*rec, c.SRID, out, true)
		if err != nil {
			return fmt.Errorf("feature %s: %w", rec.UID, err)
		}
		if b, err = wire.AppendSnapshotRecord(b[:0], f); err != nil {
			return err
		}
		h.Write(b)
		*n++
		_, err = w.Write(b)
		return err
	})
}

// snapshot serves GET /collections/{id}/snapshot (see package wire):
// Range, If-Range and HEAD as http.ServeContent answers them.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	c, ok := s.lookup(w, r)
	if !ok {
		return
	}
	out, prob := parseCRSParam("crs", r.URL.Query().Get("crs"), c.SRID)
	if prob != nil {
		prob.Collection = c.ID
		writeProblem(w, r, prob)
		return
	}
	for try := 0; ; try++ {
		f, err := s.snapshotFile(r.Context(), c, out, r.Header.Get("If-Range"))
		if err != nil {
			s.internal(w, r, err)
			return
		}
		fh, err := os.Open(f.path)
		if os.IsNotExist(err) && try == 0 {
			continue // removed by a newer build meanwhile
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		defer fh.Close()
		hd := w.Header()
		hd.Set("Content-Type", wire.MediaGeoJSONSeq)
		hd.Set("Content-Crs", crsHeader(out))
		hd.Set("ETag", f.etag())
		hd.Set(wire.HeaderReprDigest, wire.FormatReprDigest(f.sum))
		hd.Set(wire.HeaderSnapshotCursor, strconv.FormatInt(f.cursor, 10))
		hd.Set(wire.HeaderSnapshotCount, strconv.FormatInt(f.count, 10))
		http.ServeContent(w, r, "", f.built, fh)
		return
	}
}
