package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"lantu/layers"
	"lantu/sync/wire"
)

// Snapshot is a snapshot file downloaded and verified (see package wire):
// every live feature of Collection at the feed cursor Cursor. It is a
// value.
type Snapshot struct {
	Collection string
	Path       string // the verified file
	Cursor     string
	Count      int64
	SHA256     string // hex
}

// Remove deletes the file and the note of its headers.
func (s *Snapshot) Remove() error {
	return errors.Join(rmIfExists(s.Path), rmIfExists(s.Path+".json"))
}

func rmIfExists(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// snapMeta is what a download keeps beside its partial file (path.json):
// the headers of the answer that started it.
type snapMeta struct {
	ETag   string `json:"etag"`
	Cursor string `json:"cursor"`
	Count  int64  `json:"count"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Done   bool   `json:"verified"`
}

func readMeta(path string) snapMeta {
	var m snapMeta
	if b, err := os.ReadFile(path + ".json"); err == nil {
		json.Unmarshal(b, &m)
	}
	return m
}

func writeMeta(path string, m snapMeta) error {
	b, _ := json.Marshal(m)
	return os.WriteFile(path+".json", b, 0o644)
}

// DownloadSnapshot fetches the snapshot of a collection (in EPSG srid, x
// east) to path. The download goes to path+".part", the headers that began
// it to path+".json"; a download cut off is resumed from where it stopped
// (Range with If-Range), by this call's retries or a later call, and
// starts over when the server no longer has that snapshot. Once whole, the
// file's SHA-256 is checked against the server's Repr-Digest: on a
// mismatch the partial file is removed and the error wraps
// wire.ErrChecksum. A path already downloaded and verified is returned as
// it is.
func (c *Client) DownloadSnapshot(ctx context.Context, collection string, srid int, path string) (*Snapshot, error) {
	op := "snapshot " + collection
	if m := readMeta(path); m.Done && fileSize(path) == m.Size {
		return &Snapshot{Collection: collection, Path: path, Cursor: m.Cursor, Count: m.Count, SHA256: m.SHA256}, nil
	}
	wait := c.backoff
	d := &download{}
	for try := 0; ; try++ {
		err := c.snapshotOnce(ctx, op, collection, srid, path, d)
		if err == nil {
			break
		}
		if KindOf(err) != Transient || try >= c.retries || ctx.Err() != nil {
			return nil, errors.Join(ctx.Err(), err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
	return verifySnapshot(op, collection, path, d)
}

// download is one DownloadSnapshot's state across its tries: the SHA-256
// of the partial file's first n bytes, hashed as they are written (so the
// check needs no second read of the file). It is used by one goroutine.
type download struct {
	h hash.Hash
	n int64
}

func (d *download) reset() { d.h, d.n = sha256.New(), 0 }

// Write hashes bytes appended to the partial file.
func (d *download) Write(b []byte) (int, error) {
	d.n += int64(len(b))
	return d.h.Write(b)
}

// catchUp hashes the partial file's bytes from d.n up to have: those of
// an earlier call, or of what another try wrote.
func (d *download) catchUp(part string, have int64) error {
	if d.h == nil || d.n > have {
		d.reset()
	}
	if d.n == have {
		return nil
	}
	f, err := os.Open(part)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(d.n, io.SeekStart); err != nil {
		return err
	}
	_, err = io.CopyN(d, f, have-d.n)
	return err
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}

// snapshotOnce sends one request: the whole file, or the rest of the
// partial one.
func (c *Client) snapshotOnce(ctx context.Context, op, collection string, srid int, path string, d *download) error {
	part := path + ".part"
	m := readMeta(path)
	have := max(fileSize(part), 0)
	if m.ETag == "" {
		have = 0
	} else if have == m.Size {
		return nil
	}
	u := c.base.String() + "/collections/" + url.PathEscape(collection) + "/snapshot?crs=" + url.QueryEscape(wire.CRSURI(srid))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return &Error{Op: op, Kind: Invalid, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
		req.Header.Set("If-Range", m.ETag)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return &Error{Op: op, Kind: netKind(err), Err: err}
	}
	defer res.Body.Close()
	flag := os.O_WRONLY | os.O_APPEND
	switch res.StatusCode {
	case http.StatusPartialContent:
		if !strings.HasPrefix(res.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-", have)) {
			return opErr(op, Invalid, "asked for bytes %d-, got Content-Range %q", have, res.Header.Get("Content-Range"))
		}
		if err := d.catchUp(part, have); err != nil {
			return &Error{Op: op, Kind: Other, Err: err}
		}
	case http.StatusOK:
		if m, err = metaOf(op, res); err != nil {
			return err
		}
		if err := writeMeta(path, m); err != nil {
			return &Error{Op: op, Kind: Other, Err: err}
		}
		flag, have = os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0
		d.reset()
	default:
		data, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		return statusError(op, res.StatusCode, data)
	}
	return appendBody(op, part, flag, res.Body, have, m.Size, d)
}

// metaOf reads a snapshot's headers.
func metaOf(op string, res *http.Response) (snapMeta, error) {
	m := snapMeta{ETag: res.Header.Get("ETag"), Cursor: res.Header.Get(wire.HeaderSnapshotCursor), Size: res.ContentLength}
	sum, err := wire.ParseReprDigest(res.Header.Get(wire.HeaderReprDigest))
	if err != nil {
		return m, &Error{Op: op, Kind: Invalid, Err: err}
	}
	m.SHA256 = hex.EncodeToString(sum)
	m.Count, _ = strconv.ParseInt(res.Header.Get(wire.HeaderSnapshotCount), 10, 64)
	if _, err := strconv.ParseInt(m.Cursor, 10, 64); err != nil || m.Size < 0 {
		return m, opErr(op, Invalid, "the answer lacks %s or Content-Length", wire.HeaderSnapshotCursor)
	}
	return m, nil
}

// appendBody writes the body to the partial file, and into d's hash; a
// body cut short leaves what came and is transient.
func appendBody(op, part string, flag int, body io.Reader, have, size int64, d *download) error {
	f, err := os.OpenFile(part, flag, 0o644)
	if err != nil {
		return &Error{Op: op, Kind: Other, Err: err}
	}
	n, err := io.CopyBuffer(io.MultiWriter(f, d), body, make([]byte, 1<<20))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || have+n != size {
		return &Error{Op: op, Kind: Transient, Err: fmt.Errorf("download cut at byte %d of %d (%v): resumed on the next try", have+n, size, err)}
	}
	return nil
}

// verifySnapshot checks the whole file's SHA-256 (d's, caught up with
// the file) and moves it to path.
func verifySnapshot(op, collection, path string, d *download) (*Snapshot, error) {
	part, m := path+".part", readMeta(path)
	if err := d.catchUp(part, fileSize(part)); err != nil {
		return nil, &Error{Op: op, Kind: Other, Err: err}
	}
	if got := hex.EncodeToString(d.h.Sum(nil)); got != m.SHA256 {
		rmIfExists(part)
		rmIfExists(path + ".json")
		return nil, &Error{Op: op, Kind: Invalid, Err: fmt.Errorf("%w: %s has SHA-256 %s, the server's is %s: the download is corrupt and was removed; sync again to fetch it anew",
			wire.ErrChecksum, part, got, m.SHA256)}
	}
	if err := os.Rename(part, path); err != nil {
		return nil, &Error{Op: op, Kind: Other, Err: err}
	}
	m.Done = true
	if err := writeMeta(path, m); err != nil {
		return nil, &Error{Op: op, Kind: Other, Err: err}
	}
	return &Snapshot{Collection: collection, Path: path, Cursor: m.Cursor, Count: m.Count, SHA256: m.SHA256}, nil
}

// snapshotBatch is how many snapshot features go into one ApplyRemote.
const snapshotBatch = 5000

// SnapshotPath is where a replica at path keeps the snapshot download of
// a collection: beside it.
func SnapshotPath(path, collection string) string {
	return path + ".snapshot-" + collection + ".geojsons"
}

// maybeSnapshot reads a collection never pulled before, and holding at
// least SnapshotMin features, from its snapshot; the change feed then
// continues from the snapshot's cursor.
func (s *Syncer) maybeSnapshot(ctx context.Context, id string, area *districtArea, h *holds, res *Result) error {
	if s.opt.SnapshotMin < 0 || s.counts[id] < s.opt.SnapshotMin {
		return nil
	}
	path := SnapshotPath(s.bp.Path(), id)
	if cur, err := s.bp.Cursor(ctx, RemoteName, id); err != nil || cur != "" {
		if err == nil { // applied: a file left by a process killed before it removed it goes now
			err = (&Snapshot{Path: path}).Remove()
		}
		return err
	}
	snap, err := s.client.DownloadSnapshot(ctx, id, s.bp.SRID(), path)
	if err != nil {
		return err
	}
	if err := s.applySnapshot(ctx, snap, area, h, res); err != nil {
		return err
	}
	return snap.Remove()
}

// applySnapshot writes the snapshot's features, decoded on another
// goroutine meanwhile. A layer still empty, none of whose features a
// local edit or an open conflict holds, takes them as one bulk load
// (layers.FillRemote: one transaction with the snapshot's cursor, so a
// crash leaves the layer empty and the next sync applies the file again);
// one with rows (a local insert not yet pushed, say) takes them in
// batches of snapshotBatch: the batches before the last keep the cursor
// empty (so a crash in between makes the next sync apply the file again,
// its written features counted stale), the last one sets the snapshot's
// cursor.
func (s *Syncer) applySnapshot(ctx context.Context, snap *Snapshot, area *districtArea, h *holds, res *Result) error {
	f, err := os.Open(snap.Path)
	if err != nil {
		return &Error{Op: "snapshot " + snap.Collection, Kind: Other, Err: err}
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d := &decoding{pages: make(chan *wire.ChangePage, 2), done: make(chan struct{})}
	go func() {
		d.err = decodePages(ctx, wire.NewSnapshotReader(f, snap.Path), snap, d.pages)
		close(d.done)
	}()
	bulk := !h.concern(snap.Collection) // a held feature's change may write a conflict: not inside the fill
	if bulk {
		err = s.fillSnapshot(ctx, snap, d, area, h, res)
		bulk = !errors.Is(err, layers.ErrNotEmpty)
	}
	if !bulk {
		err = s.applyPages(ctx, d.pages, area, h, res)
	}
	if err != nil {
		cancel()
		for range d.pages {
		}
	}
	if derr := d.wait(); derr != nil && !errors.Is(derr, context.Canceled) {
		return &Error{Op: "snapshot " + snap.Collection, Kind: Invalid, Err: derr}
	}
	return err
}

// decoding is the snapshot decoder running: its pages, closed at the end,
// and its error, set once done is closed.
type decoding struct {
	pages chan *wire.ChangePage
	done  chan struct{}
	err   error
}

func (d *decoding) wait() error {
	<-d.done
	return d.err
}

// errDecoded stands for the decoder's error inside FillRemote's;
// applySnapshot returns the decoder's own.
var errDecoded = errors.New("replica: snapshot decoding failed")

// fillSnapshot bulk-loads the pages into the empty layer; it wraps
// layers.ErrNotEmpty, having read no page, when the layer has rows.
func (s *Syncer) fillSnapshot(ctx context.Context, snap *Snapshot, d *decoding, area *districtArea, h *holds, res *Result) error {
	id := snap.Collection
	next := func() ([]layers.RemoteChange, error) {
		page, ok := <-d.pages
		if !ok {
			if d.wait() != nil {
				return nil, errDecoded
			}
			return nil, io.EOF
		}
		batch, err := s.pageBatch(ctx, id, page, area, h, res)
		for _, c := range batch.Changes {
			s.touch(id, c.UID, c.Delete)
		}
		return batch.Changes, err
	}
	fill := layers.RemoteFill{Remote: RemoteName, Collection: id, Layer: id, Cursor: snap.Cursor}
	r, err := s.bp.FillRemote(ctx, fill, next)
	switch {
	case errors.Is(err, layers.ErrNotEmpty), errors.Is(err, errDecoded):
		return err // applySnapshot reports the decoder's error
	case err != nil:
		return &Error{Op: "snapshot " + id, Kind: Invalid, Err: err}
	}
	res.Pulled += r.Applied
	res.Stale += r.Stale
	return nil
}

// applyPages writes the pages one ApplyRemote each.
func (s *Syncer) applyPages(ctx context.Context, pages <-chan *wire.ChangePage, area *districtArea, h *holds, res *Result) error {
	for page := range pages {
		if err := s.applyPage(ctx, page, area, h, res); err != nil {
			return err
		}
	}
	return nil
}

// decodePages reads the snapshot into pages of snapshotBatch changes, the
// last with the snapshot's cursor, and closes out.
func decodePages(ctx context.Context, rd *wire.SnapshotReader, snap *Snapshot, out chan<- *wire.ChangePage) error {
	defer close(out)
	page := &wire.ChangePage{Collection: snap.Collection}
	for {
		ft := new(wire.Feature)
		err := rd.Next(ft)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		page.Changes = append(page.Changes, wire.Change{Collection: snap.Collection, UID: ft.UID, Op: wire.OpUpsert, Version: ft.Version, Feature: ft})
		if len(page.Changes) == snapshotBatch {
			select {
			case out <- page:
			case <-ctx.Done():
				return ctx.Err()
			}
			page = &wire.ChangePage{Collection: snap.Collection}
		}
	}
	page.Next = snap.Cursor
	select {
	case out <- page:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// applyPage writes one page of changes with its cursor.
func (s *Syncer) applyPage(ctx context.Context, page *wire.ChangePage, area *districtArea, h *holds, res *Result) error {
	id := page.Collection
	batch, err := s.pageBatch(ctx, id, page, area, h, res)
	if err != nil {
		return err
	}
	r, err := s.bp.ApplyRemote(ctx, batch)
	if err != nil {
		return &Error{Op: "snapshot " + id, Kind: Invalid, Err: err}
	}
	res.Pulled += r.Applied
	res.Stale += r.Stale
	for _, c := range batch.Changes {
		s.touch(id, c.UID, c.Delete)
	}
	return nil
}
