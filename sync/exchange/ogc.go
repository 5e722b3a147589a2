package exchange

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// Link is an OGC API link.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// Conformance classes the server implements.
var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

const (
	defaultLimit = 100
	maxLimit     = 10000
)

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, status int, ctype string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, nil, problemf(http.StatusInternalServerError, wire.ProblemInternal, "encoding the answer: %v", err))
		return
	}
	writeBody(w, status, ctype, b)
}

func writeBody(w http.ResponseWriter, status int, ctype string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	b := baseURL(r)
	writeJSON(w, http.StatusOK, wire.MediaJSON, map[string]any{
		"title":       "Lantu exchange",
		"description": "The city's one-blueprint exchange: base data, approvals, proposals, annotations and reviews (OGC API - Features)",
		"links": []Link{
			{Href: b + "/", Rel: "self", Type: wire.MediaJSON, Title: "this document"},
			{Href: b + "/api", Rel: "service-desc", Type: wire.MediaOpenAPI, Title: "the API definition"},
			{Href: b + "/conformance", Rel: "conformance", Type: wire.MediaJSON, Title: "conformance classes"},
			{Href: b + "/collections", Rel: "data", Type: wire.MediaJSON, Title: "the collections"},
		},
	})
}

func (s *Server) conformance(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, wire.MediaJSON, map[string]any{"conformsTo": conformance})
}

func (s *Server) collections(w http.ResponseWriter, r *http.Request) {
	cs, err := s.store.Collections(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	b := baseURL(r)
	out := make([]map[string]any, 0, len(cs))
	for _, c := range cs {
		out = append(out, s.collectionJSON(b, c))
	}
	crsList := []string{}
	for _, c := range supportedCRS(0) {
		crsList = append(crsList, wire.CRSURI(c))
	}
	writeJSON(w, http.StatusOK, wire.MediaJSON, map[string]any{
		"links":       []Link{{Href: b + "/collections", Rel: "self", Type: wire.MediaJSON}},
		"collections": out,
		"crs":         crsList,
	})
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request) {
	c, ok := s.lookup(w, r)
	if ok {
		writeJSON(w, http.StatusOK, wire.MediaJSON, s.collectionJSON(baseURL(r), c))
	}
}

// lookup finds the {id} collection or answers 404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (Collection, bool) {
	id := r.PathValue("id")
	c, err := s.store.Collection(r.Context(), id)
	if errors.Is(err, ErrCollection) {
		p := problemf(http.StatusNotFound, wire.ProblemCollection, "unknown collection %q (GET /collections lists them)", id)
		p.Collection = id
		writeProblem(w, r, p)
		return c, false
	}
	if err != nil {
		s.internal(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.opt.Log.Printf("%s %s: %v", r.Method, r.URL, err)
	writeProblem(w, r, problemf(http.StatusInternalServerError, wire.ProblemInternal, "%v", err))
}

func (s *Server) collectionJSON(base string, c Collection) map[string]any {
	self := base + "/collections/" + url.PathEscape(c.ID)
	var crsList []string
	for _, code := range supportedCRS(c.SRID) {
		crsList = append(crsList, wire.CRSURI(code))
	}
	m := map[string]any{
		"id": c.ID, "title": c.Title, "description": c.Description, "itemType": "feature",
		"crs": crsList, "storageCrs": wire.CRSURI(c.SRID),
		"links": []Link{
			{Href: self, Rel: "self", Type: wire.MediaJSON},
			{Href: self + "/items", Rel: "items", Type: wire.MediaGeoJSON},
			{Href: self + "/changes", Rel: "changes", Type: wire.MediaJSON, Title: "the change feed (since=CURSOR)"},
		},
		"lantu:code": c.Code, "lantu:source": c.Source, "lantu:role": c.Role, "lantu:geometry": c.Geometry,
		"lantu:count": c.Count,
	}
	if c.Count > 0 {
		if b, err := s.crs.crs84Bound(c.Extent, c.SRID); err == nil {
			m["extent"] = map[string]any{"spatial": map[string]any{
				"bbox": [][]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, "crs": wire.CRS84}}
		}
	}
	return m
}

// itemParams are the parsed query parameters of /items.
type itemParams struct {
	limit  int
	after  int64
	offset int64
	bbox   orb.Bound
	hasBox bool
	out    int // output CRS
}

func (s *Server) parseItemParams(q url.Values, c Collection) (itemParams, *wire.Problem) {
	p := itemParams{limit: defaultLimit}
	var prob *wire.Problem
	if p.limit, prob = intParam(q, "limit", defaultLimit, 1, maxLimit); prob != nil {
		return p, prob
	}
	var n int
	if n, prob = intParam(q, "after", 0, 0, 1<<62); prob != nil {
		return p, prob
	}
	p.after = int64(n)
	if n, prob = intParam(q, "offset", 0, 0, 1<<62); prob != nil {
		return p, prob
	}
	p.offset = int64(n)
	if p.out, prob = parseCRSParam("crs", q.Get("crs"), c.SRID); prob != nil {
		return p, prob
	}
	p.bbox, p.hasBox, prob = s.bboxParam(q, c, false)
	return p, prob
}

// intParam reads an integer parameter; a value above hi is clamped (as
// OGC API - Features allows for limit), one below lo refused.
func intParam(q url.Values, name string, def, lo, hi int) (int, *wire.Problem) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo {
		return 0, problemf(http.StatusBadRequest, wire.ProblemParameter, "%s=%q: want an integer >= %d", name, v, lo)
	}
	return min(n, hi), nil
}

// bboxParam reads bbox (and bbox-crs) into the collection's storage CRS.
func (s *Server) bboxParam(q url.Values, c Collection, gis bool) (orb.Bound, bool, *wire.Problem) {
	v := q.Get("bbox")
	if v == "" {
		return orb.Bound{}, false, nil
	}
	parts := strings.Split(v, ",")
	var f []float64
	for _, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, false, problemf(http.StatusBadRequest, wire.ProblemParameter, "bbox=%q: %q is not a number", v, p)
		}
		f = append(f, x)
	}
	if len(f) == 6 {
		f = []float64{f[0], f[1], f[3], f[4]}
	}
	if len(f) != 4 || f[0] > f[2] || f[1] > f[3] {
		return orb.Bound{}, false, problemf(http.StatusBadRequest, wire.ProblemParameter, "bbox=%q: want minx,miny,maxx,maxy with min <= max", v)
	}
	code, prob := parseCRSParam("bbox-crs", q.Get("bbox-crs"), c.SRID)
	if prob != nil {
		return orb.Bound{}, false, prob
	}
	b, err := s.crs.bound(orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, code, c.SRID, gis)
	if err != nil {
		return b, false, problemf(http.StatusBadRequest, wire.ProblemCRS, "bbox=%q in %s: %v", v, wire.CRSURI(code), err)
	}
	return b, true, nil
}

func (s *Server) items(w http.ResponseWriter, r *http.Request) {
	c, ok := s.lookup(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	p, prob := s.parseItemParams(q, c)
	if prob != nil {
		prob.Collection = c.ID
		writeProblem(w, r, prob)
		return
	}
	page, err := s.store.Items(r.Context(), ItemQuery{Collection: c.ID, BBox: p.bbox, HasBBox: p.hasBox, Limit: p.limit, After: p.after, Offset: p.offset})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	buf := make([]byte, 0, 256*len(page.Records)+512)
	buf = append(buf, `{"type":"FeatureCollection","features":[`...)
	for i, rec := range page.Records {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = s.appendFeature(buf, rec, c.SRID, p.out, false); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	buf = append(buf, `],"numberMatched":`...)
	buf = strconv.AppendInt(buf, page.Matched, 10)
	buf = append(buf, `,"numberReturned":`...)
	buf = strconv.AppendInt(buf, int64(len(page.Records)), 10)
	buf = append(buf, `,"timeStamp":"`...)
	buf = append(buf, time.Now().UTC().Format(time.RFC3339)...)
	buf = append(buf, `","links":`...)
	links, _ := json.Marshal(itemLinks(r, q, page))
	buf = append(append(buf, links...), '}')
	w.Header().Set("Content-Crs", crsHeader(p.out))
	writeBody(w, http.StatusOK, wire.MediaGeoJSON, buf)
}

// itemLinks are self and, when more features follow, next (keyset: after
// the last RowID of this page, other parameters kept).
func itemLinks(r *http.Request, q url.Values, page ItemPage) []Link {
	self := baseURL(r) + r.URL.Path
	links := []Link{{Href: self + "?" + q.Encode(), Rel: "self", Type: wire.MediaGeoJSON}}
	if page.More && len(page.Records) > 0 {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Del("offset")
		nq.Set("after", strconv.FormatInt(page.Records[len(page.Records)-1].RowID, 10))
		links = append(links, Link{Href: self + "?" + nq.Encode(), Rel: "next", Type: wire.MediaGeoJSON})
	}
	return links
}

// wireFeature is a record as the protocol sends it, in CRS out (in gis
// axis order or the CRS's own).
func (s *Server) wireFeature(rec Record, native, out int, gis bool) (*wire.Feature, error) {
	g, err := s.crs.out(rec.Geom, native, out, gis)
	if err != nil {
		return nil, err
	}
	return &wire.Feature{UID: rec.UID, Version: rec.Version, UpdatedAt: rec.UpdatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedBy: rec.UpdatedBy, Geometry: g, Properties: rec.Props}, nil
}

func (s *Server) appendFeature(b []byte, rec Record, native, out int, gis bool) ([]byte, error) {
	f, err := s.wireFeature(rec, native, out, gis)
	if err != nil {
		return b, err
	}
	return f.AppendJSON(b)
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	c, ok := s.lookup(w, r)
	if !ok {
		return
	}
	out, prob := parseCRSParam("crs", r.URL.Query().Get("crs"), c.SRID)
	if prob != nil {
		writeProblem(w, r, prob)
		return
	}
	rec, ok := s.liveItem(w, r, c)
	if !ok {
		return
	}
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, rec.Version) {
		w.Header().Set("ETag", etag(rec.Version))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	b, err := s.appendFeature(nil, rec, c.SRID, out, false)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(rec.Version))
	w.Header().Set("Content-Crs", crsHeader(out))
	writeBody(w, http.StatusOK, wire.MediaGeoJSON, b)
}

// liveItem reads the {fid} feature or answers 404 (unknown or deleted).
func (s *Server) liveItem(w http.ResponseWriter, r *http.Request, c Collection) (Record, bool) {
	uid := r.PathValue("fid")
	rec, err := s.store.Item(r.Context(), c.ID, uid)
	if errors.Is(err, ErrNotFound) || (err == nil && rec.Deleted) {
		p := problemf(http.StatusNotFound, wire.ProblemFeature, "no feature %q in collection %q", uid, c.ID)
		if err == nil {
			p.Detail += " (deleted at version " + strconv.FormatInt(rec.Version, 10) + ")"
		}
		p.Collection, p.UID = c.ID, uid
		writeProblem(w, r, p)
		return rec, false
	}
	if err != nil {
		s.internal(w, r, err)
		return rec, false
	}
	return rec, true
}

// etagMatches tells whether an If-Match / If-None-Match list names version
// (or is *).
func etagMatches(list string, version int64) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag(version) {
			return true
		}
	}
	return false
}

func urlValues(q map[string][]string) url.Values { return url.Values(q) }
