package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

func (e *env) push(role string, req wire.PushRequest) wire.PushResponse {
	e.t.Helper()
	r := e.do(role, "POST", "/sync/push", req)
	if r.status != 200 {
		e.t.Fatalf("push: %d %s", r.status, r.body)
	}
	var res wire.PushResponse
	r.json(e.t, &res)
	if len(res.Results) != len(req.Changes) {
		e.t.Fatalf("push of %d changes: %d results", len(req.Changes), len(res.Results))
	}
	return res
}

func upsert(coll, uid string, base int64, g orb.Geometry, props map[string]any) wire.PushChange {
	return wire.PushChange{Key: newUID(), Collection: coll, Op: wire.OpUpsert, UID: uid, BaseVersion: base,
		Feature: &wire.Feature{UID: uid, Geometry: g, Properties: props}}
}

// TestPushIdempotent: a batch sent twice is applied once; the second answer
// is the stored one; a key another client used is refused.
func TestPushIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		newP := newUID()
		req := wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{
			upsert("gl_xzfa", newP, 0, orb.MultiPolygon{inA}, map[string]any{"xmmc": "新方案"}),
			upsert("xz_dltb", patchUID(5), 1, orb.MultiPolygon{square(505000, 4631000, 300)}, map[string]any{"dlbm": "0702"}),
			{Key: newUID(), Collection: "xz_dltb", Op: wire.OpDelete, UID: patchUID(6), BaseVersion: 1},
			upsert("xz_dltb", patchUID(7), 9, orb.MultiPolygon{inA}, nil), // stale base: conflict
			upsert("no_such", newUID(), 0, orb.MultiPolygon{inA}, nil),    // rejected
		}}
		first := e.push("admin", req)
		wantStatus := []wire.Status{wire.StatusApplied, wire.StatusApplied, wire.StatusApplied, wire.StatusConflict, wire.StatusRejected}
		wantVersion := []int64{1, 2, 2, 1, 0}
		for i, r := range first.Results {
			if r.Status != wantStatus[i] || r.Version != wantVersion[i] || r.Key != req.Changes[i].Key {
				t.Errorf("change %d: %+v, want %s at version %d", i, r, wantStatus[i], wantVersion[i])
			}
		}
		if c := first.Results[3].Current; c == nil || c.UID != patchUID(7) || c.Version != 1 {
			t.Errorf("conflict without the server's feature: %+v", first.Results[3])
		}
		high, _ := s.HighWater(t.Context(), "xz_dltb")
		audit, _ := s.Audit(t.Context(), AuditQuery{})
		second := e.push("admin", req)
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(second)
		if !bytes.Equal(a, b) {
			t.Errorf("the same batch again answered differently:\n%s\n%s", a, b)
		}
		high2, _ := s.HighWater(t.Context(), "xz_dltb")
		audit2, _ := s.Audit(t.Context(), AuditQuery{})
		if high2 != high || len(audit2) != len(audit) {
			t.Errorf("the batch was applied twice: high water %d -> %d, audit %d -> %d entries", high, high2, len(audit), len(audit2))
		}
		if rec, _ := s.Item(t.Context(), "xz_dltb", patchUID(5)); rec.Version != 2 {
			t.Errorf("feature pushed twice is at version %d, want 2", rec.Version)
		}
		other := e.push("bureau", wire.PushRequest{Changes: req.Changes[:1]})
		if other.Results[0].Status != wire.StatusRejected {
			t.Errorf("a key reused by another client: %+v, want rejected", other.Results[0])
		}
	})
}

// TestPushSequence: changes of one uid in one batch apply in order; a
// delete of a deleted feature at its version is a no-op; a delete at a
// stale version is a conflict that reports the deletion.
func TestPushSequence(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		uid := newUID()
		res := e.push("district", wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{
			upsert("gl_xzfa", uid, 0, orb.MultiPolygon{inA}, map[string]any{"xmmc": "一"}),
			upsert("gl_xzfa", uid, 1, orb.MultiPolygon{inA}, map[string]any{"xmmc": "二"}),
			{Key: newUID(), Collection: "gl_xzfa", Op: wire.OpDelete, UID: uid, BaseVersion: 2},
			{Key: newUID(), Collection: "gl_xzfa", Op: wire.OpDelete, UID: uid, BaseVersion: 3},
			{Key: newUID(), Collection: "gl_xzfa", Op: wire.OpDelete, UID: uid, BaseVersion: 1},
		}})
		want := []struct {
			s wire.Status
			v int64
		}{{wire.StatusApplied, 1}, {wire.StatusApplied, 2}, {wire.StatusApplied, 3}, {wire.StatusApplied, 3}, {wire.StatusConflict, 3}}
		for i, r := range res.Results {
			if r.Status != want[i].s || r.Version != want[i].v {
				t.Errorf("change %d: %+v, want %s %d", i, r, want[i].s, want[i].v)
			}
		}
		if !res.Results[4].Deleted || res.Results[4].Current != nil {
			t.Errorf("conflict with a deleted feature should say deleted: %+v", res.Results[4])
		}
	})
}

// TestChangeFeed: pages in sequence order with increasing cursors, each
// feature once at its latest version (compacted), deletes included, the
// cursor of the last page returns nothing new; bbox keeps features that
// moved out of the box.
func TestChangeFeed(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		start := e.feed("xz_dltb", "0", "")
		if len(start.Changes) != patches {
			t.Fatalf("feed after publish: %d changes, want %d", len(start.Changes), patches)
		}
		cursor := start.Next
		e.push("admin", wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{
			upsert("xz_dltb", patchUID(1), 1, orb.MultiPolygon{square(501700, 4631000, 100)}, nil),
			upsert("xz_dltb", patchUID(2), 1, orb.MultiPolygon{square(590000, 4690000, 100)}, nil), // moved far away
			upsert("xz_dltb", patchUID(1), 2, orb.MultiPolygon{square(501800, 4631000, 100)}, nil),
			{Key: newUID(), Collection: "xz_dltb", Op: wire.OpDelete, UID: patchUID(4), BaseVersion: 1},
		}})
		var got []wire.Change
		next := cursor
		for range 10 {
			p := e.feed("xz_dltb", next, "&limit=2")
			got = append(got, p.Changes...)
			next = p.Next
			if !p.More {
				break
			}
		}
		wantOrder := []string{patchUID(2), patchUID(1), patchUID(4)}
		if len(got) != 3 {
			t.Fatalf("feed since %s: %d changes %+v, want 3", cursor, len(got), got)
		}
		prev, _ := strconv.ParseInt(cursor, 10, 64)
		for i, c := range got {
			n, _ := strconv.ParseInt(c.Cursor, 10, 64)
			if c.UID != wantOrder[i] || n <= prev {
				t.Errorf("change %d: %s at cursor %s, want %s after %d", i, c.UID, c.Cursor, wantOrder[i], prev)
			}
			prev = n
		}
		if got[1].Version != 3 || got[2].Op != wire.OpDelete || got[2].Feature != nil || got[0].Feature == nil {
			t.Errorf("feed entries: %+v", got)
		}
		if p := e.feed("xz_dltb", next, ""); len(p.Changes) != 0 || p.Next != next {
			t.Errorf("feed after the last cursor: %d changes, next %s (want 0, %s)", len(p.Changes), p.Next, next)
		}
		box := e.feed("xz_dltb", cursor, "&bbox=500000,4630000,510000,4640000&bbox-crs="+wire.EPSGURI(4550))
		if len(box.Changes) != 3 {
			t.Errorf("bbox feed over district A: %d changes, want 3 (one moved out of it)", len(box.Changes))
		}
		far := e.feed("xz_dltb", cursor, "&bbox=520000,4630000,530000,4640000&bbox-crs="+wire.EPSGURI(4550))
		if len(far.Changes) != 0 || far.Next != next {
			t.Errorf("bbox feed elsewhere: %d changes, next %s (want 0, %s)", len(far.Changes), far.Next, next)
		}
	})
}

func (e *env) feed(coll, since, extra string) wire.ChangePage {
	e.t.Helper()
	r := e.do("reader", "GET", fmt.Sprintf("/collections/%s/changes?since=%s&crs=%s%s", coll, since, wire.EPSGURI(4550), extra), nil)
	if r.status != 200 {
		e.t.Fatalf("feed: %d %s", r.status, r.body)
	}
	var p wire.ChangePage
	r.json(e.t, &p)
	return p
}

// TestPushRejections: a bad change is rejected with its reason and the
// others in the batch still apply.
func TestPushRejections(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		good := newUID()
		body := `{"crs":"` + wire.EPSGURI(4550) + `","changes":[
			{"key":"r1","collection":"gl_xzfa","op":"upsert","uid":"a1","feature":{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[501000,4632000],[501100,4632000],[501100,4632100],[501000,4632050]]]},"properties":{}}},
			{"key":"r2","collection":"gl_xzfa","op":"upsert","uid":"a2","feature":{"type":"Feature","geometry":{"type":"LineString","coordinates":[[501000,4632000],[501100,4632000]]},"properties":{}}},
			{"key":"r3","collection":"gl_xzfa","op":"move","uid":"a3"},
			{"key":"r4","collection":"xz_dltb","op":"delete","uid":"` + patchUID(1) + `","base_version":1},
			{"key":"r5","collection":"gl_pzd","op":"upsert","uid":"a5","feature":{"type":"Feature","geometry":{"type":"Point","coordinates":[501000,4632000]},"properties":{"nope":"x"}}},
			{"key":"r6","collection":"gl_xzfa","op":"upsert","uid":"` + good + `","feature":{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[501000,4632000],[501100,4632000],[501100,4632100],[501000,4632000]]]},"properties":{"xmmc":"好"}}}]}`
		r := e.do("district", "POST", "/sync/push", body)
		var res wire.PushResponse
		r.json(t, &res)
		want := []string{"not closed", "is a LineString", `op "move"`, "writes only local layers", `no field "nope"`, ""}
		if len(res.Results) != len(want) {
			t.Fatalf("%d results: %s", len(res.Results), r.body)
		}
		for i, w := range want {
			got := res.Results[i]
			if w == "" {
				if got.Status != wire.StatusApplied {
					t.Errorf("change %d: %+v, want applied", i, got)
				}
				continue
			}
			if got.Status != wire.StatusRejected || !bytes.Contains([]byte(got.Reason), []byte(w)) {
				t.Errorf("change %d: %+v, want rejected for %q", i, got, w)
			}
		}
	})
}
