package exchange

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"lantu/sync/wire"
)

// readBody reads a request body within the size limit.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, errEmptyBody
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errEmptyBody
	}
	return b, nil
}

// decodeFeatureBody reads a GeoJSON Feature from the body and converts it
// to the collection's storage CRS (the request's Content-Crs, CRS84 by
// default).
func (s *Server) decodeFeatureBody(r *http.Request, c Collection) (*wire.Feature, *wire.Problem) {
	in, prob := parseCRSParam("Content-Crs", r.Header.Get("Content-Crs"), c.SRID)
	if prob != nil {
		return nil, prob
	}
	b, err := readBody(r)
	if err != nil {
		return nil, decodeProblem(err, "request body")
	}
	var f wire.Feature
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, decodeProblem(err, "request body")
	}
	if f.Geometry, err = s.crs.in(f.Geometry, in, c.SRID, false); err != nil {
		return nil, problemf(http.StatusBadRequest, wire.ProblemCRS, "geometry in %s: %v", wire.CRSURI(in), err)
	}
	return &f, nil
}

// featureChange checks a decoded feature for a write by p and makes the
// change (a rejection when the write is refused).
func (s *Server) featureChange(r *http.Request, p Principal, c Collection, f *wire.Feature, ch change) change {
	ch.coll, ch.geom, ch.props = c, f.Geometry, f.Properties
	ch.rej = firstRejection(
		func() *rejection { return denial(p, c) },
		func() *rejection { return checkUID(ch.uid) },
		func() *rejection { return checkGeometry(c, ch.uid, f.Geometry) },
		func() *rejection { return checkProps(c, ch.uid, f.Properties) },
		func() *rejection { return s.districtRejection(r.Context(), p, c, ch.uid, f.Geometry, "new") },
	)
	return ch
}

func denial(p Principal, c Collection) *rejection {
	if why := writeDenial(p, c); why != "" {
		return reject(http.StatusForbidden, wire.ProblemForbidden, "forbidden: %s", why)
	}
	return nil
}

func firstRejection(checks ...func() *rejection) *rejection {
	for _, c := range checks {
		if r := c(); r != nil {
			return r
		}
	}
	return nil
}

// ifMatch reads If-Match: the base version, or a 428 problem when absent.
func ifMatch(r *http.Request) (int64, *wire.Problem) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		return 0, problemf(http.StatusPreconditionRequired, wire.ProblemRequired, "%s needs If-Match with the feature's ETag (its version)", r.Method)
	}
	if v == "*" {
		return anyBase, nil
	}
	t := strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || strings.Contains(v, ",") {
		return 0, problemf(http.StatusBadRequest, wire.ProblemParameter, "If-Match %q: want one ETag such as \"3\"", v)
	}
	return n, nil
}

// writeOne applies one Part 4 change and answers it.
func (s *Server) writeOne(w http.ResponseWriter, r *http.Request, c Collection, ch change, okStatus int) {
	p := principalOf(r.Context())
	if ch.rej == nil {
		ch.rej = denial(p, c)
	}
	res, err := s.applyBatch(r.Context(), p, []change{ch}, 0)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	o := res[0]
	switch o.result.Status {
	case wire.StatusRejected:
		prob := o.rej.problem()
		prob.Collection, prob.UID = c.ID, ch.uid
		writeProblem(w, r, prob)
	case wire.StatusConflict:
		if o.cur != nil {
			w.Header().Set("ETag", etag(o.cur.Version))
		}
		prob := problemf(http.StatusPreconditionFailed, wire.ProblemPrecondition,
			"feature %s in %s is at version %d, If-Match named %d", ch.uid, c.ID, o.result.Version, ch.base)
		prob.Collection, prob.UID = c.ID, ch.uid
		writeProblem(w, r, prob)
	default:
		s.writeApplied(w, r, c, o, okStatus)
	}
}

func (s *Server) writeApplied(w http.ResponseWriter, r *http.Request, c Collection, o outcome, status int) {
	w.Header().Set("ETag", etag(o.result.Version))
	loc := baseURL(r) + "/collections/" + url.PathEscape(c.ID) + "/items/" + url.PathEscape(o.result.UID)
	if status == http.StatusCreated {
		w.Header().Set("Location", loc)
	}
	if status == http.StatusNoContent || o.rec == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	b, err := s.appendFeature(nil, *o.rec, c.SRID, 0, false)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Crs", crsHeader(0))
	writeBody(w, status, wire.MediaGeoJSON, b)
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	c, ok := s.lookup(w, r)
	if !ok {
		return
	}
	p := principalOf(r.Context())
	if rej := denial(p, c); rej != nil {
		writeProblem(w, r, rej.problem())
		return
	}
	f, prob := s.decodeFeatureBody(r, c)
	if prob != nil {
		prob.Collection = c.ID
		writeProblem(w, r, prob)
		return
	}
	uid := f.UID
	if uid == "" {
		u, _ := uuid.NewV7()
		uid = u.String()
	}
	ch := s.featureChange(r, p, c, f, change{op: wire.OpUpsert, uid: uid, create: true, action: "create"})
	s.writeOne(w, r, c, ch, http.StatusCreated)
}

func (s *Server) replaceItem(w http.ResponseWriter, r *http.Request) {
	c, base, ok := s.writePrelude(w, r)
	if !ok {
		return
	}
	f, prob := s.decodeFeatureBody(r, c)
	if prob != nil {
		prob.Collection = c.ID
		writeProblem(w, r, prob)
		return
	}
	uid := r.PathValue("fid")
	if f.UID != "" && f.UID != uid {
		writeProblem(w, r, problemf(http.StatusBadRequest, wire.ProblemInvalid, "the body's id %q is not the feature %q of the URL", f.UID, uid))
		return
	}
	ch := s.featureChange(r, principalOf(r.Context()), c, f, change{op: wire.OpUpsert, uid: uid, base: base, action: "replace"})
	s.writeOne(w, r, c, ch, http.StatusOK)
}

// writePrelude finds the collection, checks the role and reads If-Match.
func (s *Server) writePrelude(w http.ResponseWriter, r *http.Request) (Collection, int64, bool) {
	c, ok := s.lookup(w, r)
	if !ok {
		return c, 0, false
	}
	if rej := denial(principalOf(r.Context()), c); rej != nil {
		writeProblem(w, r, rej.problem())
		return c, 0, false
	}
	base, prob := ifMatch(r)
	if prob != nil {
		prob.Collection, prob.UID = c.ID, r.PathValue("fid")
		writeProblem(w, r, prob)
		return c, 0, false
	}
	return c, base, true
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request) {
	c, base, ok := s.writePrelude(w, r)
	if !ok {
		return
	}
	s.writeOne(w, r, c, change{coll: c, op: wire.OpDelete, uid: r.PathValue("fid"), base: base, action: "delete"}, http.StatusNoContent)
}
