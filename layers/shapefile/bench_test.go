package shapefile

import (
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

var benchPolygons = flag.Int("shp.polygons", 200_000, "polygons in the Shapefile benchmarks")

// syntheticFile makes n parcels on a grid: octagons (every tenth with a
// square hole) with an id, a Chinese name and an area.
func syntheticFile(n int) *File {
	f := &File{ShapeType: Polygon, PRJ: wgs84PRJ, Fields: []Field{
		{Name: "id", Type: Numeric}, {Name: "名称", Type: Character, Length: 30},
		{Name: "area", Type: Float, Length: 19, Decimals: 3}}}
	f.Records = make([]Record, n)
	for i := range f.Records {
		x, y := float64(i%1000)*10, float64(i/1000)*10
		oct := orb.Ring{{x + 3, y}, {x + 6, y}, {x + 9, y + 3}, {x + 9, y + 6}, {x + 6, y + 9},
			{x + 3, y + 9}, {x, y + 6}, {x, y + 3}, {x + 3, y}}
		p := orb.Polygon{oct}
		if i%10 == 0 {
			p = append(p, orb.Ring{{x + 4, y + 4}, {x + 4, y + 5}, {x + 5, y + 5}, {x + 5, y + 4}, {x + 4, y + 4}})
		}
		f.Records[i] = Record{Geometry: p, Values: []any{int64(i), fmt.Sprintf("地块%d号", i), 63.0}}
	}
	return f
}

func reportRate(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "polygons/s")
}

func BenchmarkWrite(b *testing.B) {
	f, dir := syntheticFile(*benchPolygons), b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := Write(filepath.Join(dir, fmt.Sprintf("w%d.shp", i%2)), f, WriteOptions{Encoding: "GBK"}); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, *benchPolygons)
}

// benchShapefile writes the synthetic Shapefile once for a benchmark.
func benchShapefile(b *testing.B) string {
	shp := filepath.Join(b.TempDir(), "parcels.shp")
	if err := Write(shp, syntheticFile(*benchPolygons), WriteOptions{Encoding: "GBK"}); err != nil {
		b.Fatal(err)
	}
	return shp
}

func BenchmarkRead(b *testing.B) {
	shp := benchShapefile(b)
	b.ResetTimer()
	for b.Loop() {
		f, err := Read(shp, ReadOptions{})
		if err != nil || len(f.Records) != *benchPolygons {
			b.Fatal(err)
		}
	}
	reportRate(b, *benchPolygons)
}

// BenchmarkReadWrite is our whole conversion, Shapefile to Shapefile, to
// compare with ogr2ogr's below.
func BenchmarkReadWrite(b *testing.B) {
	shp := benchShapefile(b)
	out := filepath.Join(b.TempDir(), "copy.shp")
	b.ResetTimer()
	for b.Loop() {
		f, err := Read(shp, ReadOptions{})
		if err == nil {
			err = Write(out, f, WriteOptions{Encoding: f.Encoding})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, *benchPolygons)
}

// BenchmarkOgr2ogr times GDAL on the same file as whole work (process
// start included): Shapefile to Shapefile and to GeoPackage.
func BenchmarkOgr2ogr(b *testing.B) {
	shp := benchShapefile(b)
	tool := peertest.Tool(b, "ogr2ogr")
	for _, to := range []struct{ name, driver, ext string }{{"shp", "ESRI Shapefile", ".shp"}, {"gpkg", "GPKG", ".gpkg"}} {
		b.Run(to.name, func(b *testing.B) {
			dir := b.TempDir()
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(dir, fmt.Sprintf("o%d%s", i, to.ext))
				cmd := exec.Command(tool, "-f", to.driver, out, shp, "-lco", "ENCODING=GBK")
				if to.ext == ".gpkg" {
					cmd = exec.Command(tool, "-f", to.driver, out, shp)
				}
				if msg, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, msg)
				}
			}
			reportRate(b, *benchPolygons)
		})
	}
}
