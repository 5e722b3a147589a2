package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchCommand runs `lantuctl bench` on a small blueprint put where the
// cached demo goes (generating the demo needs source data): every step is
// timed, the figures come from the file, and the cached file is not changed
// (the check and the edits run on a copy that is removed).
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	cached := filepath.Join(dir, "demo-tiny.gpkg")
	if err := os.Rename(conflictFixture(t), cached); err != nil {
		t.Fatal(err)
	}
	before := digest(t, cached)
	out, err := runOut(t, "bench", "--scale", "tiny", "--out", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output %q: %v", out, err)
	}
	if rep.Features != 2 || rep.File != cached {
		t.Errorf("report on %s with %d features, want %s with 2", rep.File, rep.Features, cached)
	}
	want := []string{"open", "query", "query", "render", "default conflict check", "1000 edits"}
	if len(rep.Steps) != len(want) {
		t.Fatalf("%d steps %+v, want %d", len(rep.Steps), rep.Steps, len(want))
	}
	for i, s := range rep.Steps {
		if !strings.HasPrefix(s.Op, want[i]) || !(s.Millis > 0) {
			t.Errorf("step %d = %+v, want %q with a time > 0", i, s, want[i])
		}
	}
	if d := rep.Steps[4].Detail; !strings.Contains(d, "26 rules") || !strings.Contains(d, " 1 patches") {
		t.Errorf("check step %q, want the 26 default rules and the fixture's 1 patch", d)
	}
	if digest(t, cached) != before {
		t.Errorf("bench changed the cached blueprint")
	}
	for _, name := range ls(t, dir) {
		// A read-only open of a WAL database leaves its -shm and an empty -wal.
		if st, _ := os.Stat(filepath.Join(dir, name)); name != "demo-tiny.gpkg" && name != "demo-tiny.gpkg-shm" &&
			(name != "demo-tiny.gpkg-wal" || st.Size() != 0) {
			t.Errorf("bench left %s (%d bytes) in the cache folder", name, st.Size())
		}
	}
	if _, err := runOut(t, "bench", "--scale", "huge", "--out", dir); err == nil {
		t.Errorf("--scale huge accepted")
	}
}
