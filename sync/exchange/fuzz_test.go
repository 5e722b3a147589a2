package exchange

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lantu/sync/wire"
)

func addSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds at %s: %v", pattern, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// fuzzServer answers one request in process and checks the answer: never
// a 5xx, always JSON, a problem body for every status but 2xx.
func fuzzServe(t *testing.T, srv *Server, token, method, path string, body []byte) {
	req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Crs", "<"+wire.EPSGURI(4550)+">")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	if !json.Valid(rec.Body.Bytes()) && rec.Code != http.StatusNoContent {
		t.Fatalf("%s %s: %d answer is not JSON: %s", method, path, rec.Code, rec.Body)
	}
	if rec.Code >= 300 && rec.Header().Get("Content-Type") != wire.MediaProblem {
		t.Fatalf("%s %s: %d without a problem body: %s", method, path, rec.Code, rec.Body)
	}
}

// FuzzPushBody sends arbitrary bodies to /sync/push as a district.
func FuzzPushBody(f *testing.F) {
	addSeeds(f, "testdata/push/*.json")
	e := newEnv(f, openFuzzStore(f), Options{Rate: -1})
	srv := NewServer(e.store, Options{Rate: -1})
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzServe(t, srv, e.tokens["district"], "POST", "/sync/push", body)
	})
}

// FuzzFeatureBody sends arbitrary bodies as Part 4 creates and patches.
func FuzzFeatureBody(f *testing.F) {
	addSeeds(f, "../wire/testdata/features/*.json")
	e := newEnv(f, openFuzzStore(f), Options{Rate: -1})
	srv := NewServer(e.store, Options{Rate: -1})
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzServe(t, srv, e.tokens["admin"], "POST", "/collections/gl_pzd/items", body)
		fuzzServe(t, srv, e.tokens["admin"], "PATCH", "/collections/xz_dltb/items/"+patchUID(0), body)
	})
}

func openFuzzStore(f *testing.F) Store {
	s, err := OpenSQLite(f.Context(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	return s
}
