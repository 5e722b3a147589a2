package layers

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

// TestCreateImportedLayer: a new imported layer takes Bulk and Apply, is
// there after reopening, and GDAL lists it with its fields and count.
func TestCreateImportedLayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bp.gpkg")
	bp, err := Create(path, CreateOptions{User: "t"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l, err := bp.CreateImportedLayer(ctx, "区县 导入", "MULTIPOLYGON", []ImportedField{{"名称", "text"}, {"n", "integer"}})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Imported || !l.Editable() || bp.Layer("区县 导入") != l {
		t.Fatalf("layer %+v", l)
	}
	sq := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}
	if _, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: l.Table, Geom: sq, Attrs: map[string]any{"名称": "甲", "n": 1}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name string
		f    []ImportedField
	}{{"区县 导入", nil}, {"XZ_QXXZQ", nil}, {"lantu_x", nil}, {"ok", []ImportedField{{"uid", "text"}}}, {"ok2", []ImportedField{{"a", "blob"}}}} {
		if _, err := bp.CreateImportedLayer(ctx, bad.name, "POINT", bad.f); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s %v: err = %v", bad.name, bad.f, err)
		}
	}
	bp.Close()
	bp, err = Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if l := bp.Layer("区县 导入"); l == nil || !l.Imported || l.Count() != 1 {
		t.Fatalf("after reopening: %+v", l)
	}
	peertest.ValidateGPKG(t, path)
	out, err := exec.Command(peertest.Tool(t, "ogrinfo"), "-ro", "-so", path, "区县 导入").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: 1") || !strings.Contains(string(out), "名称: String") {
		t.Errorf("ogrinfo: %v\n%s", err, out)
	}
}
