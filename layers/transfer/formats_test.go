package transfer

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/paulmach/orb/planar"

	"lantu/layers"
)

// TestImportFormats imports what ogr2ogr writes from the real cities and
// rivers as GeoJSON, CSV (WKT), DXF and a UTF-8 Shapefile, and compares
// counts, fields, Chinese names and areas (lengths for lines) with GDAL's
// reading of the same file, reprojected to EPSG:4550 and made valid.
func TestImportFormats(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, file, table string
		ogr               []string
		srs               int
		fields            []string
		lines             bool
	}{
		{"geojson", "cities.geojson", "cities", []string{"-f", "GeoJSON", "-lco", "RFC7946=YES", "-select", "id,name,childNum"}, 0, []string{"id", "name", "childNum"}, false},
		{"csv", "cities.csv", "cities", []string{"-f", "CSV", "-lco", "GEOMETRY=AS_WKT", "-select", "id,name,childNum"}, 4326, []string{"id", "name", "childNum"}, false},
		{"shp utf-8", "outline.shp", "outline", []string{"-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8"}, 0, nil, false},
		{"dxf hatch", "cities.dxf", "entities", []string{"-f", "DXF"}, 4326, []string{"layer", "entity", "handle", "text"}, false},
		{"dxf", "rivers.dxf", "entities", []string{"-f", "DXF"}, 4326, []string{"layer", "entity", "handle", "text"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			src := citiesJSON
			switch c.file {
			case "outline.shp":
				src = outlineJSON
			case "rivers.dxf":
				src = riversJSON
			}
			ogr2ogr(t, append(append([]string{}, c.ogr...), "-nln", c.table, path, src)...)
			measure := "ST_Area(ST_MakeValid(ST_Transform(SetSRID(geometry, 4326), 4550)))"
			if c.lines {
				measure = "ST_Length(ST_Transform(SetSRID(geometry, 4326), 4550))"
			}
			ref := ogrSQL(t, path, "SELECT *, "+measure+" AS m FROM \""+c.table+"\"")
			bp := newBlueprint(t)
			s := readSource(t, path, ReadOptions{})
			rep, err := Import(context.Background(), bp, s, ImportOptions{As: "imported", SRS: c.srs})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Imported+len(rep.Refused) != len(ref) || rep.Imported == 0 {
				t.Fatalf("imported %d + refused %d, GDAL reads %d", rep.Imported, len(rep.Refused), len(ref))
			}
			fs := features(t, bp, "imported")
			if c.fields != nil {
				var got []string
				for _, f := range targetFields(bp.Layer("imported")) {
					got = append(got, f.Name)
				}
				if !slices.Equal(got, c.fields) {
					t.Errorf("fields %v, want %v", got, c.fields)
				}
			}
			compareMeasures(t, fs, ref, c.lines, rep)
		})
	}
}

// compareMeasures matches our features to GDAL's rows (cities by name, else
// in order) and compares areas or lengths.
func compareMeasures(t *testing.T, fs []*layers.Feature, ref []map[string]string, lines bool, rep *Report) {
	t.Helper()
	var got, want []float64
	names := map[string]bool{}
	for _, f := range fs {
		if lines {
			got = append(got, planar.Length(f.Geom))
		} else {
			got = append(got, geosArea(t, f.Geom))
		}
		if n, ok := f.Attrs["name"].(string); ok {
			names[n] = true
		}
	}
	degenerate := 0
	for _, r := range ref {
		if r["m"] == "" || r["m"] == "(null)" || num(t, r["m"]) == 0 {
			degenerate++ // a line of one repeated point, a polygon of two: we refuse it, naming it
			continue
		}
		want = append(want, num(t, r["m"]))
		if n := r["name"]; n != "" && !names[n] {
			t.Errorf("GDAL's %q is not imported", n)
		}
	}
	if degenerate != len(rep.Refused) {
		t.Errorf("GDAL measures %d features as 0, we refused %v", degenerate, rep.Refused)
	}
	sort.Float64s(got)
	sort.Float64s(want)
	if len(got) != len(want) {
		t.Fatalf("%d measures, GDAL %d (refused %v)", len(got), len(want), rep.Refused)
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > 1e-6*math.Max(1, want[i]) {
			t.Errorf("measure %d: %v, GDAL %v", i, got[i], want[i])
		}
	}
}
