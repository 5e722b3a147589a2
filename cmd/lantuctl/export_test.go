package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lantu/layers/peer/peertest"
	"lantu/layers/transfer"
)

// TestExportSelectedUIDs imports the 14 cities, exports three of them by
// --uids and two by --uids-from, and checks ogrinfo sees exactly those;
// --uids with --uids-from is a usage error and an unknown uid is refused.
func TestExportSelectedUIDs(t *testing.T) {
	ogrinfo := peertest.Tool(t, "ogrinfo")
	dir := t.TempDir()
	src := filepath.Join("..", "..", "layers", "gpkg", "testdata", "vector", "liaoning_cities_echarts.geojson")
	path := conflictFixture(t)
	out, err := runFresh(t, importFileCmd, path, src, "--as", "cities", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep transfer.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.UIDs) != 14 {
		t.Fatalf("import: %v\n%s", err, out)
	}
	exp := filepath.Join(dir, "sel.gpkg")
	pick := []string{rep.UIDs[2], rep.UIDs[5], rep.UIDs[11]}
	if out, err = runFresh(t, exportCmd, path, "--layer", "cities", "--uids", strings.Join(pick, ","), "--out", exp); err != nil ||
		!strings.Contains(out, "3 features of cities") {
		t.Fatalf("export --uids: %v\n%s", err, out)
	}
	if got := ogrIDs(t, ogrinfo, exp); !slices.Equal(got, sorted(pick)) {
		t.Errorf("ogrinfo ids %v, want %v", got, sorted(pick))
	}
	list := filepath.Join(dir, "uids.txt")
	os.WriteFile(list, []byte(rep.UIDs[0]+"\n"+rep.UIDs[13]+"\n"), 0o644)
	exp2 := filepath.Join(dir, "sel2.gpkg")
	if out, err = runFresh(t, exportCmd, path, "--layer", "cities", "--uids-from", list, "--out", exp2); err != nil {
		t.Fatalf("export --uids-from: %v\n%s", err, out)
	}
	if got, want := ogrIDs(t, ogrinfo, exp2), sorted([]string{rep.UIDs[0], rep.UIDs[13]}); !slices.Equal(got, want) {
		t.Errorf("ogrinfo ids %v, want %v", got, want)
	}
	var ue usageError
	if _, err := runFresh(t, exportCmd, path, "--layer", "cities", "--uids", pick[0], "--uids-from", list, "--out", exp2); !errors.As(err, &ue) {
		t.Errorf("--uids with --uids-from: %v, want a usage error", err)
	}
	if _, err := runFresh(t, exportCmd, path, "--layer", "cities", "--uids", "nope", "--out", filepath.Join(dir, "x.gpkg")); !errors.Is(err, transfer.ErrInput) ||
		!strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown uid: %v", err)
	}
}

// ogrIDs are the uids ogrinfo reads from a GeoPackage export, sorted.
func ogrIDs(t *testing.T, ogrinfo, path string) []string {
	t.Helper()
	b, err := exec.Command(ogrinfo, "-ro", "-al", "-geom=NO", "-q", path).Output()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v", path, err)
	}
	var ids []string
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " = "); ok && strings.HasPrefix(k, "uid (") {
			ids = append(ids, v)
		}
	}
	return sorted(ids)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
