package workstation

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
)

var update = flag.Bool("update", false, "rewrite the golden markup in testdata")

// assertGolden compares o's markup with testdata/<name>, rewriting it with
// -update.
func assertGolden(t *testing.T, name string, o fyne.CanvasObject) {
	t.Helper()
	if *update {
		path := filepath.Join("testdata", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(test.RenderObjectToMarkup(o)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertObjectRendersToMarkup(t, name, o)
}

func TestGoldenPanels(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	bp := smallBlueprint(t)
	w := &Workstation{}
	fs, err := Identify(context.Background(), bp, []string{districtLayer}, orb.Point{500400, 4600500}, 1)
	if err != nil || len(fs) != 1 {
		t.Fatalf("identify: %d features, %v", len(fs), err)
	}
	fs[0].UID = "00000000-0000-0000-0000-000000000001"
	fs[0].Attrs["updated_at"] = nil
	fs[0].Attrs["updated_by"] = "规划局"
	id := newIdentifyPanel(w)
	id.show([]*layers.Feature{fs[0]})
	id.root.Resize(fyne.NewSize(320, 400))
	assertGolden(t, "identify.xml", id.root)

	m := newMeasurePanel(w)
	m.show(mapview.ToolArea, []orb.Point{{500000, 4600000}, {500100, 4600000}, {500100, 4600100}, {500000, 4600100}})
	m.root.Resize(fyne.NewSize(320, 400))
	assertGolden(t, "measure.xml", m.root)
}
