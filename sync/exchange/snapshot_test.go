package exchange

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lantu/layers/peer/peertest"
	"lantu/sync/wire"
)

// snapshotOK reads a whole snapshot and checks its headers against its
// bytes: the Repr-Digest is their SHA-256, the count is what decodes.
func snapshotOK(t *testing.T, r response) (etag string, cursor int64, feats []wire.Feature) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("GET snapshot: %d %s", r.status, r.body)
	}
	h := r.header
	if h.Get("Accept-Ranges") != "bytes" || h.Get("Content-Length") != strconv.Itoa(len(r.body)) || h.Get("Content-Type") != wire.MediaGeoJSONSeq {
		t.Errorf("headers: Accept-Ranges %q, Content-Length %q for %d bytes, Content-Type %q", h.Get("Accept-Ranges"), h.Get("Content-Length"), len(r.body), h.Get("Content-Type"))
	}
	sum, err := wire.ParseReprDigest(h.Get(wire.HeaderReprDigest))
	if got := sha256.Sum256(r.body); err != nil || !bytes.Equal(sum, got[:]) {
		t.Fatalf("Repr-Digest %q (%v) is not the body's SHA-256 %x", h.Get(wire.HeaderReprDigest), err, got)
	}
	cursor, err = strconv.ParseInt(h.Get(wire.HeaderSnapshotCursor), 10, 64)
	if err != nil {
		t.Fatalf("cursor header %q: %v", h.Get(wire.HeaderSnapshotCursor), err)
	}
	rd := wire.NewSnapshotReader(bytes.NewReader(r.body), "snapshot")
	for {
		var f wire.Feature
		if err := rd.Next(&f); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		feats = append(feats, f)
	}
	if h.Get(wire.HeaderSnapshotCount) != strconv.Itoa(len(feats)) {
		t.Errorf("count header %q, %d features decoded", h.Get(wire.HeaderSnapshotCount), len(feats))
	}
	return h.Get("ETag"), cursor, feats
}

// TestSnapshot: the snapshot holds every live feature with its version at
// a cursor consistent with the feed; it is served again unchanged while
// fresh, a Range gets 206 with exactly those bytes, and bad ranges 416.
func TestSnapshot(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{SnapshotDir: t.TempDir()})
		path := "/collections/xz_dltb/snapshot?crs=" + wire.CRSURI(4550)
		first := e.do("reader", "GET", path, nil)
		tag, cursor, feats := snapshotOK(t, first)
		if len(feats) != patches {
			t.Fatalf("%d features in the snapshot, want %d", len(feats), patches)
		}
		if high, _ := s.HighWater(t.Context(), "xz_dltb"); cursor < high {
			t.Errorf("cursor %d is before the collection's last change %d", cursor, high)
		}
		for _, f := range feats {
			rec, err := s.Item(t.Context(), "xz_dltb", f.UID)
			if err != nil || rec.Version != f.Version || rec.Props["tbbh"] != f.Properties["tbbh"] {
				t.Fatalf("feature %s: snapshot version %d %v, store %d %v (%v)", f.UID, f.Version, f.Properties, rec.Version, rec.Props, err)
			}
		}
		if again := e.do("reader", "GET", path, nil); again.header.Get("ETag") != tag || !bytes.Equal(again.body, first.body) {
			t.Errorf("second GET: ETag %q, want the same %q and bytes", again.header.Get("ETag"), tag)
		}
		size := len(first.body)
		for _, rg := range []struct {
			hdr      string
			from, to int
		}{{"bytes=100-", 100, size}, {"bytes=0-9", 0, 10}, {fmt.Sprintf("bytes=%d-", size-1), size - 1, size}, {"bytes=-50", size - 50, size}} {
			r := e.do("reader", "GET", path, nil, "Range", rg.hdr, "If-Range", tag)
			want := fmt.Sprintf("bytes %d-%d/%d", rg.from, rg.to-1, size)
			if r.status != http.StatusPartialContent || r.header.Get("Content-Range") != want || !bytes.Equal(r.body, first.body[rg.from:rg.to]) {
				t.Errorf("Range %s: %d Content-Range %q, %d bytes; want 206 %q", rg.hdr, r.status, r.header.Get("Content-Range"), len(r.body), want)
			}
			if r.header.Get(wire.HeaderReprDigest) != first.header.Get(wire.HeaderReprDigest) {
				t.Errorf("Range %s: Repr-Digest %q, want the whole file's", rg.hdr, r.header.Get(wire.HeaderReprDigest))
			}
		}
		for _, bad := range []string{fmt.Sprintf("bytes=%d-", size), "bytes=abc", "bytes=10-5", "pages=0-5", "bytes=99999999-99999999"} {
			r := e.do("reader", "GET", path, nil, "Range", bad)
			if r.status != http.StatusRequestedRangeNotSatisfiable {
				t.Errorf("Range %s: %d, want 416", bad, r.status)
			}
		}
		if r := e.do("reader", "GET", path, nil, "Range", fmt.Sprintf("bytes=%d-", size)); r.header.Get("Content-Range") != fmt.Sprintf("bytes */%d", size) {
			t.Errorf("416 Content-Range %q, want bytes */%d", r.header.Get("Content-Range"), size)
		}
		if r := e.do("reader", "GET", "/collections/nope/snapshot", nil); r.status != http.StatusNotFound {
			t.Errorf("unknown collection: %d, want 404", r.status)
		}
		if r := e.do("", "GET", path, nil); r.status != http.StatusUnauthorized {
			t.Errorf("no token: %d, want 401", r.status)
		}
		if r := e.do("reader", "GET", "/collections/xz_dltb/snapshot?crs=EPSG:1", nil); r.status != http.StatusBadRequest {
			t.Errorf("bad crs: %d, want 400", r.status)
		}
	})
}

// TestSnapshotMovesOn: once stale, a changed collection gets a new
// snapshot at a later cursor; the feed from the old cursor holds the
// change, and a download of the old one still resumes (If-Range) while
// it is kept; If-Range naming a snapshot gone gets the whole new one.
func TestSnapshotMovesOn(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{SnapshotDir: t.TempDir(), SnapshotMaxAge: time.Nanosecond})
		path := "/collections/xz_dltb/snapshot"
		old := e.do("reader", "GET", path, nil)
		oldTag, oldCursor, _ := snapshotOK(t, old)
		if again := e.do("reader", "GET", path, nil); again.header.Get("ETag") != oldTag {
			t.Errorf("unchanged collection: a new snapshot %q, want %q again", again.header.Get("ETag"), oldTag)
		}
		item := "/collections/xz_dltb/items/" + patchUID(5)
		if r := e.do("admin", "PATCH", item, `{"properties":{"tbbh":"moved"}}`, "If-Match", `"1"`, "Content-Type", wire.MediaPatch); r.status != 200 {
			t.Fatalf("PATCH: %d %s", r.status, r.body)
		}
		tag, cursor, feats := snapshotOK(t, e.do("reader", "GET", path, nil))
		if tag == oldTag || cursor <= oldCursor {
			t.Fatalf("after a change: ETag %q cursor %d, old %q %d", tag, cursor, oldTag, oldCursor)
		}
		found := false
		for _, f := range feats {
			found = found || (f.UID == patchUID(5) && f.Properties["tbbh"] == "moved" && f.Version == 2)
		}
		if !found {
			t.Error("the new snapshot lacks the change")
		}
		var page wire.ChangePage
		e.do("reader", "GET", fmt.Sprintf("/collections/xz_dltb/changes?since=%d", oldCursor), nil).json(t, &page)
		if len(page.Changes) != 1 || page.Changes[0].UID != patchUID(5) {
			t.Errorf("feed since the old snapshot's cursor: %+v, want the one change", page.Changes)
		}
		r := e.do("reader", "GET", path, nil, "Range", "bytes=50-", "If-Range", oldTag)
		if r.status != http.StatusPartialContent || !bytes.Equal(r.body, old.body[50:]) {
			t.Errorf("resume of the old snapshot: %d, %d bytes, want 206 and its rest", r.status, len(r.body))
		}
		r = e.do("reader", "GET", path, nil, "Range", "bytes=50-", "If-Range", `"sgone"`)
		if r.status != http.StatusOK || r.header.Get("ETag") != tag {
			t.Errorf("If-Range of a snapshot gone: %d ETag %q, want 200 with %q", r.status, r.header.Get("ETag"), tag)
		}
	})
}

// TestSnapshotGDAL: GDAL's GeoJSONSeq driver reads the snapshot file as
// it is, with every feature.
func TestSnapshotGDAL(t *testing.T) {
	ogrinfo := peertest.Tool(t, "ogrinfo")
	e := newEnv(t, openTestSQLite(t), Options{SnapshotDir: t.TempDir()})
	r := e.do("reader", "GET", "/collections/xz_dltb/snapshot", nil)
	file := filepath.Join(t.TempDir(), "xz_dltb.geojsons")
	if err := os.WriteFile(file, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "GeoJSONSeq") || !strings.Contains(string(out), fmt.Sprintf("Feature Count: %d", patches)) {
		t.Errorf("ogrinfo does not read %d features with GeoJSONSeq:\n%s", patches, out)
	}
}

// TestSnapshotReaderErrors: a cut or corrupted snapshot is an error
// naming the record and its offset, never a feature made up.
func TestSnapshotReaderErrors(t *testing.T) {
	e := newEnv(t, openTestSQLite(t), Options{SnapshotDir: t.TempDir()})
	body := e.do("reader", "GET", "/collections/xz_dltb/snapshot", nil).body
	for name, bad := range map[string][]byte{
		"cut":     body[:len(body)-7],
		"no RS":   append([]byte("{}\n"), body...),
		"garbled": bytes.Replace(body, []byte(`"type":"Feature"`), []byte(`"type":"Fxature"`), 1),
	} {
		rd := wire.NewSnapshotReader(bytes.NewReader(bad), "x.geojsons")
		var err error
		for err == nil {
			err = rd.Next(&wire.Feature{})
		}
		if err == io.EOF || !errors.Is(err, wire.ErrDecode) || !strings.Contains(err.Error(), "x.geojsons: record") {
			t.Errorf("%s: %v, want a decode error naming the record", name, err)
		}
	}
}
