package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

// mapnikLayer is one layer of the Mapnik comparison spec.
type mapnikLayer struct {
	Table   string  `json:"table"`
	Kind    string  `json:"kind"`
	Fill    string  `json:"fill,omitempty"`
	Stroke  string  `json:"stroke,omitempty"`
	Opacity float64 `json:"opacity,omitempty"`
	Width   float64 `json:"width,omitempty"`
	Size    float64 `json:"size,omitempty"`
}

var (
	mapnikOnce sync.Once
	mapnikPy   string
	mapnikErr  error
)

// mapnikPython returns a Python that imports mapnik: Debian's python3-mapnik
// lives in the system interpreter, so /usr/bin/python3 is tried before
// python3 on PATH. Without one tb ends as peertest.Missing does.
func mapnikPython(tb testing.TB) string {
	tb.Helper()
	mapnikOnce.Do(func() {
		var tried []string
		for _, c := range []string{"/usr/bin/python3", "python3"} {
			p, err := exec.LookPath(c)
			if err == nil {
				var out []byte
				if out, err = exec.Command(p, "-c", "import mapnik").CombinedOutput(); err == nil {
					mapnikPy = p
					return
				}
				err = fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
			}
			tried = append(tried, fmt.Sprintf("%s (%v)", c, err))
		}
		mapnikErr = fmt.Errorf("no Python imports mapnik (Debian package python3-mapnik); tried %s", strings.Join(tried, ", "))
	})
	if mapnikErr != nil {
		peertest.Missing(tb, "%v", mapnikErr)
	}
	return mapnikPy
}

// mapnikSeconds renders the layers of a GeoPackage through Mapnik (run by
// the Python py) at the given view (testdata/mapnik_bench.py) and returns
// its best time, or an error saying why Mapnik failed.
func mapnikSeconds(py, gpkg string, v Viewport, ls []mapnikLayer, png string) (float64, error) {
	b := v.Bound()
	spec, err := json.Marshal(map[string]any{
		"gpkg": gpkg, "w": v.W, "h": v.H, "runs": 3, "layers": ls,
		"bbox": []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
	})
	if err != nil {
		return 0, err
	}
	f := filepath.Join(os.TempDir(), "lantu-mapnik-spec.json")
	if err := os.WriteFile(f, spec, 0o644); err != nil {
		return 0, err
	}
	args := []string{filepath.Join("testdata", "mapnik_bench.py"), f}
	if png != "" {
		args = append(args, png)
	}
	out, err := exec.Command(py, args...).Output()
	var res struct {
		Seconds float64 `json:"seconds"`
		Error   string  `json:"error"`
	}
	if jerr := json.Unmarshal(out, &res); jerr != nil || res.Error != "" || err != nil {
		return 0, fmt.Errorf("mapnik: %v %s %s", err, res.Error, strings.TrimSpace(string(out)))
	}
	return res.Seconds, nil
}

// hex formats a colour as #rrggbb for Mapnik.
func hex(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return ""
	}
	return fmt.Sprintf("#%02x%02x%02x", r*0xffff/a>>8, g*0xffff/a>>8, b*0xffff/a>>8)
}

// mapnikLayers describes a LayerList for the Mapnik script (one style per
// layer; class colours are not compared).
// tables maps layer codes to table names (nil = the same).
func mapnikLayers(ll LayerList, visible func(*Layer) bool, tables map[string]string) []mapnikLayer {
	var out []mapnikLayer
	for _, l := range ll {
		if !visible(l) {
			continue
		}
		table := l.Code
		if t, ok := tables[l.Code]; ok {
			table = t
		}
		kind := [...]string{"polygon", "line", "point"}[l.Kind]
		out = append(out, mapnikLayer{Table: table, Kind: kind, Fill: hex(l.Style.Fill), Stroke: hex(l.Style.Stroke),
			Opacity: l.Style.Opacity, Width: l.Style.Width, Size: l.Style.Size})
	}
	return out
}

// writeGeoPackage writes memLayers to a GeoPackage with ogr2ogr (one
// table per layer, EPSG:4550), for the Mapnik comparison.
func writeGeoPackage(ogr2ogr, path string, ll LayerList) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	for _, l := range ll {
		m, ok := l.Data.(*memLayer)
		if !ok {
			return fmt.Errorf("layer %s is not in memory", l.Code)
		}
		csv := filepath.Join(filepath.Dir(path), l.Code+".csv")
		if err := writeWKTCSV(csv, m); err != nil {
			return err
		}
		cmd := exec.Command(ogr2ogr, "-f", "GPKG", "-append", "-nln", l.Code, "-a_srs", "EPSG:4550",
			"-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO", tmp, csv)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("ogr2ogr %s: %v: %s", l.Code, err, out)
		}
		os.Remove(csv)
	}
	return os.Rename(tmp, path)
}

func writeWKTCSV(path string, m *memLayer) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "wkt,class,label")
	for _, ft := range m.feats {
		fmt.Fprintf(w, "\"%s\",%s,%s\n", memWKT(m.origin, ft), ft.class, ft.label)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// memWKT writes a synthetic feature (one ring, line or point) as WKT.
func memWKT(o orb.Point, f memFeat) string {
	var sb strings.Builder
	r := f.rings[0]
	coords := func() {
		for i := 0; i < len(r); i += 2 {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "%.2f %.2f", o[0]+float64(r[i]), o[1]+float64(r[i+1]))
		}
	}
	switch {
	case len(r) == 2:
		sb.WriteString("POINT(")
		coords()
	case len(r) >= 8 && r[0] == r[len(r)-2] && r[1] == r[len(r)-1]:
		sb.WriteString("POLYGON((")
		coords()
		sb.WriteByte(')')
	default:
		sb.WriteString("LINESTRING(")
		coords()
	}
	sb.WriteByte(')')
	return sb.String()
}

// BenchmarkMapnikSynthetic renders the 30 km synthetic city through both
// renderers at 1920x1080 full extent without labels, and reports Mapnik's
// time over ours.
func BenchmarkMapnikSynthetic(b *testing.B) {
	const side = 30000
	src := syntheticCity(side)
	gpkg := filepath.Join(os.TempDir(), "lantu-bench", "synthetic-30km.gpkg")
	if _, err := os.Stat(gpkg); err != nil {
		if err := writeGeoPackage(peertest.Tool(b, "ogr2ogr"), gpkg, src); err != nil {
			b.Fatal("no GeoPackage for Mapnik: ", err)
		}
	}
	compareMapnik(b, src, gpkg, Fit(syntheticExtent(side), 1920, 1080), nil)
}

// compareMapnik times our cold frame and Mapnik's on the same view.
func compareMapnik(b *testing.B, src LayerList, gpkg string, v Viewport, tables map[string]string) {
	scale := v.Scale()
	ls := mapnikLayers(src, func(l *Layer) bool { return l.Visible && l.inScale(scale) }, tables)
	secs, err := mapnikSeconds(mapnikPython(b), gpkg, v, ls, os.Getenv("LANTU_MAPNIK_PNG"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	for b.Loop() {
		if _, err := New(src, Options{}).Render(ctx, Request{View: v}); err != nil {
			b.Fatal(err)
		}
	}
	ours := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs*1000, "mapnik-ms")
	b.ReportMetric(secs/ours, "mapnik/lantu")
}
