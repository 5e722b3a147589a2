package exchange

import (
	"bytes"
	"encoding/json"
	"net/http"

	"lantu/sync/wire"
)

// MergePatch applies an RFC 7396 JSON merge patch to a decoded JSON value.
func MergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
		} else {
			tm[k] = MergePatch(tm[k], v)
		}
	}
	return tm
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		var extra any
		if err := d.Decode(&extra); err == nil {
			return nil, &json.SyntaxError{Offset: d.InputOffset()}
		}
	}
	return v, nil
}

// patchItem applies a merge patch (RFC 7396) to the feature's GeoJSON, in
// the patch's Content-Crs. A patch without "geometry" keeps the stored
// geometry exactly.
func (s *Server) patchItem(w http.ResponseWriter, r *http.Request) {
	c, base, ok := s.writePrelude(w, r)
	if !ok {
		return
	}
	in, prob := parseCRSParam("Content-Crs", r.Header.Get("Content-Crs"), c.SRID)
	if prob != nil {
		writeProblem(w, r, prob)
		return
	}
	cur, ok := s.liveItem(w, r, c)
	if !ok {
		return
	}
	if base != anyBase && base != cur.Version {
		w.Header().Set("ETag", etag(cur.Version))
		writeProblem(w, r, problemf(http.StatusPreconditionFailed, wire.ProblemPrecondition,
			"feature %s in %s is at version %d, If-Match named %d", cur.UID, c.ID, cur.Version, base))
		return
	}
	f, prob := s.patched(r, c, cur, in)
	if prob != nil {
		prob.Collection, prob.UID = c.ID, cur.UID
		writeProblem(w, r, prob)
		return
	}
	ch := s.featureChange(r, principalOf(r.Context()), c, f, change{op: wire.OpUpsert, uid: cur.UID, base: cur.Version, action: "update"})
	s.writeOne(w, r, c, ch, http.StatusOK)
}

// patched is the current feature with the request's patch applied, its
// geometry in storage coordinates.
func (s *Server) patched(r *http.Request, c Collection, cur Record, in int) (*wire.Feature, *wire.Problem) {
	body, err := readBody(r)
	if err != nil {
		return nil, decodeProblem(err, "merge patch")
	}
	patch, err := decodeJSON(body)
	if err != nil {
		return nil, decodeProblem(err, "merge patch")
	}
	pm, ok := patch.(map[string]any)
	if !ok {
		return nil, problemf(http.StatusBadRequest, wire.ProblemInvalid, "merge patch: want a JSON object")
	}
	curF, err := s.wireFeature(cur, c.SRID, in, false)
	if err != nil {
		return nil, problemf(http.StatusInternalServerError, wire.ProblemInternal, "%v", err)
	}
	curJSON, _ := curF.AppendJSON(nil)
	target, _ := decodeJSON(curJSON)
	merged, _ := json.Marshal(MergePatch(target, pm))
	var f wire.Feature
	if err := json.Unmarshal(merged, &f); err != nil {
		return nil, decodeProblem(err, "patched feature")
	}
	if f.UID != cur.UID {
		return nil, problemf(http.StatusBadRequest, wire.ProblemInvalid, "a merge patch may not change the id (%q)", cur.UID)
	}
	if _, hasGeom := pm["geometry"]; !hasGeom {
		f.Geometry = cur.Geom
		return &f, nil
	}
	if f.Geometry, err = s.crs.in(f.Geometry, in, c.SRID, false); err != nil {
		return nil, problemf(http.StatusBadRequest, wire.ProblemCRS, "geometry in %s: %v", wire.CRSURI(in), err)
	}
	return &f, nil
}
