package siting

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/twpayne/go-geos"

	"lantu/layers"
)

// Coordinates of the synthetic blueprint are offsets from (x0, y0) in EPSG:4550.
const x0, y0 = 500000.0, 4600000.0

// box is the WKT of a rectangle given by offsets.
func box(minx, miny, maxx, maxy float64) string {
	return "POLYGON(" + ring(minx, miny, maxx, maxy) + ")"
}

func ring(minx, miny, maxx, maxy float64) string {
	a, b, c, d := x0+minx, y0+miny, x0+maxx, y0+maxy
	return fmt.Sprintf("(%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)", a, b, c, b, c, d, a, d, a, b)
}

// fixture is the synthetic blueprint: layer code -> feature WKTs and attributes.
var fixture = []struct {
	code  string
	wkt   string
	attrs map[string]any
}{
	// Two red-line polygons overlapping on x 800..1000, and one with a hole.
	{"GH_STBHHX", box(0, 0, 1000, 1000), nil},
	{"GH_STBHHX", box(800, 0, 1800, 1000), nil},
	{"GH_STBHHX", "POLYGON(" + ring(3000, 0, 5000, 2000) + "," + ring(3500, 500, 4500, 1500) + ")", nil},
	{"GH_YJJBNT", box(0, 2000, 1000, 3000), nil},
	{"GH_CZKFBJ", box(-1000, -1000, 6000, 3500), nil},
	{"GH_JSYDGZQ", box(-1000, -1000, 6000, 3500), map[string]any{"gzqdm": "010"}},
	{"GH_JSYDGZQ", box(6000, -1000, 9000, 3500), map[string]any{"gzqdm": "030"}},
	{"GH_LANX", box(2000, 2000, 2100, 3000), nil},
	{"GH_GHYDYH", box(-1000, 1500, 6000, 3500), map[string]any{"ydyhdm": "0701"}},
	{"GH_GHYDYH", box(-1000, -1000, 6000, 1500), map[string]any{"ydyhdm": "0103"}},
	{"XZ_QXXZQ", box(-5000, -5000, 10000, 10000), map[string]any{"xzqdm": "210102", "xzqmc": "和平区"}},
}

// proposals are the table cases.
var proposals = map[string]string{
	"inside":     box(100, 100, 300, 300),
	"straddling": box(1500, 200, 2100, 400),
	"overlap":    box(700, 600, 1100, 900), // across both red polygons' overlap
	"outside":    box(6200, 2000, 6400, 2200),
	"holes":      "POLYGON(" + ring(3200, 200, 4800, 1800) + "," + ring(3300, 300, 4700, 1700) + ")",
	"multipart":  "MULTIPOLYGON((" + ring(200, 600, 400, 800) + "),(" + ring(3800, 800, 4200, 1200) + "))",
	"setback":    box(2120, 2400, 2300, 2600), // 20 m east of the blue line
	"compliant":  box(1200, 2200, 1400, 2400),
}

func mustWKT(tb testing.TB, s string) orb.Geometry {
	tb.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		tb.Fatalf("%s: %v", s, err)
	}
	return g
}

// newFixture writes the synthetic blueprint and the proposals (through
// Apply, as a planner would); it returns the proposals' uids by case.
func newFixture(tb testing.TB) (*layers.Blueprint, map[string]string) {
	tb.Helper()
	bp, err := layers.Create(filepath.Join(tb.TempDir(), "siting.gpkg"), layers.CreateOptions{User: "tester"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bp.Close() })
	ctx := context.Background()
	w, err := bp.Bulk(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range fixture {
		if err := w.Insert(f.code, mustWKT(tb, f.wkt), f.attrs); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		tb.Fatal(err)
	}
	uids := map[string]string{}
	for name, s := range proposals {
		out, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: mustWKT(tb, s),
			Attrs: map[string]any{"xmmc": "测试项目 " + name, "sqdw": "沈阳测试公司"}})
		if err != nil {
			tb.Fatal(err)
		}
		uids[name] = out[0].UID
	}
	return bp, uids
}

// wantArea is the independent GEOS computation
// area(intersection(proposal, union(layer features))) over the fixture.
func wantArea(tb testing.TB, proposal, code string, match func(map[string]any) bool) float64 {
	tb.Helper()
	gctx := geos.NewContext()
	p, err := gctx.NewGeomFromWKT(proposal)
	if err != nil {
		tb.Fatal(err)
	}
	var parts []*geos.Geom
	for _, f := range fixture {
		if f.code == code && (match == nil || match(f.attrs)) {
			g, err := gctx.NewGeomFromWKT(f.wkt)
			if err != nil {
				tb.Fatal(err)
			}
			parts = append(parts, g)
		}
	}
	if len(parts) == 0 {
		return 0
	}
	u := gctx.NewCollection(geos.TypeIDGeometryCollection, parts).UnaryUnion()
	return p.Intersection(u).Area()
}

// near reports whether got equals want within 1e-6 relative (1e-6 m² near 0).
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-6*math.Max(1, math.Abs(want))
}

func hasReason(rs []Reason, sub string) bool {
	for _, r := range rs {
		if strings.Contains(r.Zh, sub) || strings.Contains(r.En, sub) {
			return true
		}
	}
	return false
}
