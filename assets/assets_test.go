package assets

import (
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestDemoSourceLicensed checks that the demo's source data is embedded and
// that every data file has its licence note beside it.
func TestDemoSourceLicensed(t *testing.T) {
	src := DemoSource()
	want := []string{
		"vector/shenyang_outline_echarts.geojson",
		"vector/shenyang_rivers_gshhg.geojson",
		"dem/etopo20_northeast_china.tif",
	}
	for _, f := range want {
		if st, err := fs.Stat(src, f); err != nil || st.Size() == 0 {
			t.Errorf("%s: not embedded (%v)", f, err)
		}
	}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".LICENSE" || p == "README.md" {
			return err
		}
		note := strings.TrimSuffix(p, path.Ext(p)) + ".LICENSE"
		if b, err := fs.ReadFile(src, note); err != nil || !strings.Contains(string(b), "License:") {
			t.Errorf("%s: no licence note %s (%v)", p, note, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
