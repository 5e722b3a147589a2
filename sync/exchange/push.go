package exchange

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"lantu/sync/wire"
)

// rawPush is a push body before each change is checked on its own, so a
// bad feature rejects its change, not the batch.
type rawPush struct {
	CRS     string            `json:"crs"`
	Changes []json.RawMessage `json:"changes"`
}

type rawPushChange struct {
	Key         string          `json:"key"`
	Collection  string          `json:"collection"`
	Op          wire.Op         `json:"op"`
	UID         string          `json:"uid"`
	BaseVersion int64           `json:"base_version"`
	Feature     json.RawMessage `json:"feature"`
}

// push applies a batch of changes (POST /sync/push). The batch is one
// transaction; each change ends applied, conflict or rejected, and the
// answer (200) lists the results in order. A body that is not a push
// request at all gets a 400 problem.
func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeProblem(w, r, decodeProblem(err, "push"))
		return
	}
	var req rawPush
	if err := json.Unmarshal(body, &req); err != nil {
		writeProblem(w, r, decodeProblem(err, "push"))
		return
	}
	in, err := wire.ParseCRS(req.CRS)
	if err != nil {
		writeProblem(w, r, problemf(http.StatusBadRequest, wire.ProblemCRS, "push: crs: %v", err))
		return
	}
	chs, prob := s.pushChanges(r, req.Changes, in)
	if prob != nil {
		writeProblem(w, r, prob)
		return
	}
	res, err := s.applyBatch(r.Context(), principalOf(r.Context()), chs, in)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := wire.PushResponse{Results: make([]wire.PushResult, len(res))}
	for i, o := range res {
		out.Results[i] = o.result
	}
	writeJSON(w, http.StatusOK, wire.MediaJSON, out)
}

// pushChanges decodes and checks each change; a change that cannot be
// attributed to a key makes the whole request a 400.
func (s *Server) pushChanges(r *http.Request, raws []json.RawMessage, in int) ([]change, *wire.Problem) {
	colls, err := s.store.Collections(r.Context())
	if err != nil {
		return nil, problemf(http.StatusServiceUnavailable, wire.ProblemUnavailable, "collections: %v", err)
	}
	byID := make(map[string]Collection, len(colls))
	for _, c := range colls {
		byID[c.ID] = c
	}
	seen := make(map[string]int, len(raws))
	chs := make([]change, len(raws))
	for i, raw := range raws {
		var rc rawPushChange
		if err := json.Unmarshal(raw, &rc); err != nil {
			return nil, decodeProblem(err, fmt.Sprintf("push: changes[%d]", i))
		}
		if rc.Key == "" {
			return nil, problemf(http.StatusBadRequest, wire.ProblemInvalid, "push: changes[%d] has no key", i)
		}
		if j, dup := seen[rc.Key]; dup {
			return nil, problemf(http.StatusBadRequest, wire.ProblemInvalid, "push: changes[%d] repeats the key %q of changes[%d]", i, rc.Key, j)
		}
		seen[rc.Key] = i
		chs[i] = s.pushChange(r, rc, byID, in)
	}
	return chs, nil
}

// pushChange turns one pushed change into a change, or a rejected one.
func (s *Server) pushChange(r *http.Request, rc rawPushChange, byID map[string]Collection, in int) change {
	ch := change{key: rc.Key, op: rc.Op, uid: rc.UID, base: rc.BaseVersion, action: "push"}
	c, ok := byID[rc.Collection]
	ch.coll = c
	p := principalOf(r.Context())
	switch {
	case !ok:
		ch.coll.ID = rc.Collection
		ch.rej = reject(http.StatusNotFound, wire.ProblemCollection, "unknown collection %q", rc.Collection)
	case rc.Op != wire.OpUpsert && rc.Op != wire.OpDelete:
		ch.rej = reject(http.StatusBadRequest, wire.ProblemInvalid, "op %q: want upsert or delete", rc.Op)
	case rc.BaseVersion < 0:
		ch.rej = reject(http.StatusBadRequest, wire.ProblemInvalid, "base_version %d is negative", rc.BaseVersion)
	case rc.Op == wire.OpDelete:
		ch.rej = firstRejection(func() *rejection { return denial(p, c) }, func() *rejection { return checkUID(rc.UID) })
	default:
		return s.pushUpsert(r, rc, c, ch, in)
	}
	return ch
}

func (s *Server) pushUpsert(r *http.Request, rc rawPushChange, c Collection, ch change, in int) change {
	p := principalOf(r.Context())
	if rej := denial(p, c); rej != nil {
		ch.rej = rej
		return ch
	}
	var f wire.Feature
	if err := json.Unmarshal(rc.Feature, &f); err != nil {
		prob := decodeProblem(err, "feature")
		ch.rej = reject(prob.Status, prob.Type, "%s", prob.Detail)
		return ch
	}
	if ch.uid == "" {
		ch.uid = f.UID
	}
	if f.UID != "" && f.UID != ch.uid {
		ch.rej = reject(http.StatusBadRequest, wire.ProblemInvalid, "the feature's id %q is not the change's uid %q", f.UID, ch.uid)
		return ch
	}
	g, err := s.crs.in(f.Geometry, in, c.SRID, true)
	if err != nil {
		ch.rej = reject(http.StatusBadRequest, wire.ProblemCRS, "invalid geometry: feature %s in %s: %v", ch.uid, wire.CRSURI(in), err)
		return ch
	}
	f.Geometry = g
	return s.featureChange(r, p, c, &f, ch)
}

// changes serves the compacted change feed of a collection.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	c, ok := s.lookup(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	cq, out, prob := s.changeQuery(q, c)
	if prob != nil {
		prob.Collection = c.ID
		writeProblem(w, r, prob)
		return
	}
	page, err := s.store.Changes(r.Context(), cq)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	wp := wire.ChangePage{Collection: c.ID, Changes: make([]wire.Change, len(page.Records)), Next: strconv.FormatInt(page.Next, 10), More: page.More}
	for i, rec := range page.Records {
		ch := wire.Change{Collection: c.ID, UID: rec.UID, Op: wire.OpUpsert, Version: rec.Version, Cursor: strconv.FormatInt(rec.Seq, 10)}
		if rec.Deleted {
			ch.Op = wire.OpDelete
		} else if ch.Feature, err = s.wireFeature(rec, c.SRID, out, true); err != nil {
			s.internal(w, r, err)
			return
		}
		wp.Changes[i] = ch
	}
	b, err := wp.AppendJSON(make([]byte, 0, 1024*len(wp.Changes)+256))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Crs", crsHeader(out))
	writeBody(w, http.StatusOK, wire.MediaJSON, b)
}

func (s *Server) changeQuery(q map[string][]string, c Collection) (ChangeQuery, int, *wire.Problem) {
	vals := urlValues(q)
	cq := ChangeQuery{Collection: c.ID}
	since, prob := intParam(vals, "since", 0, 0, 1<<62)
	if prob != nil {
		prob.Detail = "since: want the cursor of a change page (an integer >= 0): " + prob.Detail
		return cq, 0, prob
	}
	cq.Since = int64(since)
	if cq.Limit, prob = intParam(vals, "limit", 1000, 1, maxLimit); prob != nil {
		return cq, 0, prob
	}
	out, prob := parseCRSParam("crs", vals.Get("crs"), c.SRID)
	if prob != nil {
		return cq, 0, prob
	}
	cq.BBox, cq.HasBBox, prob = s.bboxParam(vals, c, true)
	return cq, out, prob
}
