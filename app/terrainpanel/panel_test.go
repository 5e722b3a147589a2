package terrainpanel

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/gpkg"
	"lantu/layers/terrain"
)

// The test DEM is a plane rising 0.1 m per metre eastwards from 100 m at
// x0: 5.71° everywhere, in the 2–6° class.
const (
	x0, yTop = 500000.0, 4650000.0
	cell     = 30.0
)

func planeCoverage(t *testing.T) *terrain.Coverage {
	g := terrain.NewGrid(300, 200, [6]float64{x0, cell, 0, yTop, 0, -cell}, 4550)
	g.HasNoData, g.NoData = true, -9999
	for i := range g.Data {
		g.Data[i] = float32(100 + 0.1*(float64(i%g.Width)+0.5)*cell)
	}
	db, err := gpkg.Create(filepath.Join(t.TempDir(), "plane.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := terrain.Import(context.Background(), terrain.FileTarget(db), "xz_dem", g, 4550); err != nil {
		t.Fatal(err)
	}
	cov, err := terrain.OpenCoverage(context.Background(), db, "xz_dem")
	if err != nil {
		t.Fatal(err)
	}
	return cov
}

// fakeHost records what the panel asks of the workstation.
type fakeHost struct {
	m       *mapview.MapView
	mu      sync.Mutex
	status  map[string]string
	tool    mapview.Tool
	shown   string
	selName string
	selGeom orb.Geometry
	cursor  func(orb.Point)
	sketch  func(mapview.Tool, []orb.Point)
}

func (h *fakeHost) Map() *mapview.MapView { return h.m }
func (h *fakeHost) SetStatus(k, v string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status[k] = v
}
func (h *fakeHost) get(k string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.status[k]
}
func (h *fakeHost) SetMessage(string)                           {}
func (h *fakeHost) SetTool(t mapview.Tool)                      { h.tool = t }
func (h *fakeHost) ShowPanel(id string)                         { h.shown = id }
func (h *fakeHost) OnCursor(fn func(orb.Point))                 { h.cursor = fn }
func (h *fakeHost) OnSketch(fn func(mapview.Tool, []orb.Point)) { h.sketch = fn }
func (h *fakeHost) SelectedArea() (string, orb.Geometry)        { return h.selName, h.selGeom }
func (h *fakeHost) sketched(t mapview.Tool, pts ...orb.Point)   { h.sketch(t, pts) }

func newTestPanel(t *testing.T, withDEM bool) (*Panel, *fakeHost) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	m := mapview.New(nil)
	m.Resize(fyne.NewSize(400, 300))
	m.SetView(orb.Point{x0 + 4500, yTop - 3000}, cell)
	h := &fakeHost{m: m, status: map[string]string{}}
	p := New(h)
	p.post = uiDo
	if withDEM {
		p.SetCoverage(planeCoverage(t))
	}
	test.NewTempWindow(t, p.Content())
	return p, h
}

// ui stands in for the UI goroutine.
var ui uitest.UI

func uiDo(fn func()) { ui.Do(fn) }

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ui.Eventually(t, what, cond)
}

func TestCursorElevation(t *testing.T) {
	_, h := newTestPanel(t, true)
	tests := []struct {
		name string
		at   orb.Point
		want string
	}{
		{"west", orb.Point{x0 + 600, yTop - 3000}, fmt.Sprintf("高程 %.1f m  坡度 %.1f°", 160.0, math.Atan(0.1)*180/math.Pi)},
		{"east", orb.Point{x0 + 8100, yTop - 3000}, fmt.Sprintf("高程 %.1f m  坡度 %.1f°", 910.0, math.Atan(0.1)*180/math.Pi)},
		{"off the DEM", orb.Point{x0 - 5000, yTop - 3000}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.SetStatus(StatusKey, "pending")
			h.cursor(tc.at)
			eventually(t, "the elevation status "+tc.want, func() bool { return h.get(StatusKey) == tc.want })
		})
	}
}

func TestProfileChart(t *testing.T) {
	p, h := newTestPanel(t, true)
	p.startProfile()
	if h.tool != mapview.ToolProfile || h.shown != "terrain" {
		t.Fatalf("the profile button set tool %v and showed %q", h.tool, h.shown)
	}
	h.sketched(mapview.ToolProfile, orb.Point{x0 + 300, yTop - 3000}, orb.Point{x0 + 6300, yTop - 3000})
	eventually(t, "the profile chart", func() bool { return p.chart.Visible() && p.chart.Image != nil })
	got := p.readout.Text
	for _, want := range []string{"长度 6.00 km", "最低 130.0 m", "最高 730.0 m", "累计爬升 600.0 m", "累计下降 0.0 m", "最大坡度 5.7°"} {
		if !strings.Contains(got, want) {
			t.Errorf("readout %q lacks %q", got, want)
		}
	}
}

func TestSlopeStatistics(t *testing.T) {
	square := "POLYGON((500600 4646400, 501500 4646400, 501500 4647300, 500600 4647300, 500600 4646400))"
	tests := []struct {
		name   string
		sel    string // WKT of the selected feature, "" for none
		dem    bool
		wantIn string
		table  bool
	}{
		{"polygon", square, true, "最低", true},
		{"point", "POINT(500700 4646500)", true, "请先用", false},
		{"off the DEM", "POLYGON((400000 4000000, 401000 4000000, 401000 4001000, 400000 4000000))", true, "没有高程数据", false},
		{"nothing selected", "", true, "请先用", false},
		{"no DEM", square, false, "没有数字高程模型", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, h := newTestPanel(t, tc.dem)
			if tc.sel != "" {
				g, err := wkt.Unmarshal(tc.sel)
				if err != nil {
					t.Fatal(err)
				}
				h.selName, h.selGeom = "#7", g
			}
			p.statsSelected()
			eventually(t, "statistics", func() bool { return strings.Contains(p.table.head.Text, tc.wantIn) })
			if p.table.grid.Visible() != tc.table {
				t.Fatalf("class table shown %v, want %v; head %q", p.table.grid.Visible(), tc.table, p.table.head.Text)
			}
			if tc.table {
				checkClasses(t, p.table)
			}
		})
	}
}

// checkClasses: a 900 m square holds 30 x 30 cells of 900 m², all 2–6°.
func checkClasses(t *testing.T, st *statsTable) {
	t.Helper()
	want := [5]string{"0", "810000", "0", "0", "0"}
	for k := range want {
		if got := st.cells[k][1].Text; got != want[k] {
			t.Errorf("class %s: %s m², want %s", slopeClassNames[k], got, want[k])
		}
	}
	if got := st.cells[1][3].Text; got != "100.0%" {
		t.Errorf("2–6° share %s, want 100.0%%", got)
	}
	if !strings.Contains(st.head.Text, "1215.00 亩") {
		t.Errorf("summary %q lacks the area in 亩", st.head.Text)
	}
}

func TestDrawnArea(t *testing.T) {
	p, h := newTestPanel(t, true)
	ring := []orb.Point{{500600, 4646400}, {501500, 4646400}, {501500, 4647300}, {500600, 4647300}}
	h.sketched(mapview.ToolArea, ring...)
	if p.table.head.Text != "" {
		t.Fatalf("an area measured before the statistics tool was chosen gave %q", p.table.head.Text)
	}
	p.startArea()
	if h.tool != mapview.ToolArea {
		t.Fatalf("tool %v, want the area tool", h.tool)
	}
	h.sketched(mapview.ToolArea, ring...)
	eventually(t, "statistics of the drawn area", func() bool { return p.table.grid.Visible() })
	checkClasses(t, p.table)
}

func TestProfileOffTheDEM(t *testing.T) {
	p, h := newTestPanel(t, true)
	h.sketched(mapview.ToolProfile, orb.Point{400000, 4000000}, orb.Point{401000, 4000000})
	eventually(t, "the no-data message", func() bool { return strings.Contains(p.readout.Text, "没有高程数据") })
	if p.chart.Visible() {
		t.Error("a chart is shown for a profile off the DEM")
	}
}

// blueprintFile writes a GeoPackage (with the plane DEM as XZ_DEM when dem)
// and opens it as a blueprint.
func blueprintFile(t *testing.T, dem bool) *layers.Blueprint {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("bp-%v.gpkg", dem))
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if dem {
		g := terrain.NewGrid(30, 20, [6]float64{x0, cell, 0, yTop, 0, -cell}, 4550)
		if err := terrain.Import(context.Background(), terrain.FileTarget(db), "xz_dem", g, 4550); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	bp, err := layers.Open(path, layers.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

// Opening another blueprint resets the panel: no old profile, and no "no
// DEM" left over once a blueprint with a DEM is open again.
func TestSetBlueprintResets(t *testing.T) {
	p, h := newTestPanel(t, true)
	h.sketched(mapview.ToolProfile, orb.Point{x0 + 1000, yTop - 3000}, orb.Point{x0 + 8000, yTop - 3000})
	eventually(t, "the profile chart", func() bool { return p.chart.Visible() })
	p.SetBlueprint(blueprintFile(t, false))
	if p.chart.Visible() || !strings.Contains(p.readout.Text, "没有数字高程模型") {
		t.Fatalf("without a DEM: chart shown %v, readout %q", p.chart.Visible(), p.readout.Text)
	}
	p.SetBlueprint(blueprintFile(t, true))
	if p.chart.Visible() || strings.Contains(p.readout.Text, "没有数字高程模型") || p.table.head.Text != "" {
		t.Fatalf("with a DEM again: chart shown %v, readout %q, table %q", p.chart.Visible(), p.readout.Text, p.table.head.Text)
	}
}
