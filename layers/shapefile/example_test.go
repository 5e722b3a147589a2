package shapefile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"

	"lantu/layers/shapefile"
)

// A parcel layer written in GBK for a Chinese office, then read back: the
// encoding is found from the .cpg, the long field name was cut to fit.
func Example() {
	dir, _ := os.MkdirTemp("", "shp")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "parcels.shp")
	f := &shapefile.File{
		ShapeType: shapefile.Polygon,
		Fields:    []shapefile.Field{{Name: "地块名称很长", Type: shapefile.Character}, {Name: "面积", Type: shapefile.Float, Decimals: 2}},
		Records: []shapefile.Record{{
			Geometry: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
			Values:   []any{"沈阳一号地", 100.0},
		}},
	}
	if err := shapefile.Write(path, f, shapefile.WriteOptions{Encoding: "GBK"}); err != nil {
		fmt.Println(err)
		return
	}
	back, err := shapefile.Read(path, shapefile.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Encoding, back.Fields[0].Name, back.Records[0].Values)
	// Output: GBK 地块名称很 [沈阳一号地 100]
}
