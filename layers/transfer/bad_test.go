package transfer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/boundarytxt"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadInput: each bad file or option is a clear error naming the file
// and the record or field, and writes nothing.
func TestBadInput(t *testing.T) {
	projected := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4326"}},
		"features":[{"type":"Feature","properties":{"name":"甲"},"geometry":{"type":"Point","coordinates":[533000,4629000]}}]}`
	degrees := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4550"}},
		"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[123.4,41.8]}}]}`
	unknown := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:999999"}},"features":[]}`
	cases := []struct {
		name string
		path string
		opt  ReadOptions
		imp  ImportOptions
		want error
		says []string
	}{
		{"open ring", filepath.Join("testdata", "open_ring.txt"), ReadOptions{}, ImportOptions{Layer: "GL_XZFA"}, boundarytxt.ErrOpenRing, []string{"open_ring.txt:10", "B-07"}},
		{"unknown encoding", filepath.Join("testdata", "proposal.txt"), ReadOptions{Encoding: "KLINGON"}, ImportOptions{Layer: "GL_XZFA"}, boundarytxt.ErrEncoding, []string{"proposal.txt", "KLINGON"}},
		{"csv unknown encoding", writeFile(t, "a.csv", "WKT,name\n\"POINT (1 2)\",x\n"), ReadOptions{Encoding: "KLINGON"}, ImportOptions{As: "a"}, ErrEncoding, []string{"a.csv", "KLINGON"}},
		{"csv no geometry", writeFile(t, "b.csv", "名称,面积\n甲,1\n"), ReadOptions{}, ImportOptions{As: "b"}, ErrNoGeom, []string{"b.csv", "名称"}},
		{"csv bad wkt", writeFile(t, "c.csv", "WKT,name\n\"POINT (1 2)\",x\n\"POLYGON ((1 2\",y\n"), ReadOptions{}, ImportOptions{As: "c", SRS: 4550}, ErrInput, []string{"c.csv", "row 3", "WKT"}},
		{"csv no crs", writeFile(t, "d.csv", "x,y\n533000,4629000\n"), ReadOptions{}, ImportOptions{As: "d"}, ErrNoCRS, []string{"d.csv", "--s-srs"}},
		{"geojson projected in 4326", writeFile(t, "e.geojson", projected), ReadOptions{}, ImportOptions{As: "e"}, ErrCRS, []string{"e.geojson", "feature 1", "533000"}},
		{"geojson degrees in 4550", writeFile(t, "f.geojson", degrees), ReadOptions{}, ImportOptions{As: "f"}, ErrCRS, []string{"f.geojson", "degrees"}},
		{"geojson other zone", writeFile(t, "z.geojson", strings.Replace(degrees, "[123.4,41.8]", "[41533000,4629000]", 1)), ReadOptions{}, ImportOptions{As: "z"}, ErrCRS, []string{"z.geojson", "EPSG:4550", "--s-srs"}},
		{"geojson unknown epsg", writeFile(t, "g.geojson", unknown), ReadOptions{}, ImportOptions{As: "g"}, ErrNoCRS, []string{"g.geojson", "999999"}},
		{"geojson not json", writeFile(t, "h.geojson", "{"), ReadOptions{}, ImportOptions{As: "h"}, ErrInput, []string{"h.geojson"}},
		{"unknown layer", filepath.Join("testdata", "proposal.txt"), ReadOptions{}, ImportOptions{Layer: "NO_SUCH"}, ErrLayer, []string{"NO_SUCH"}},
		{"bad map", filepath.Join("testdata", "proposal.txt"), ReadOptions{}, ImportOptions{Layer: "GL_XZFA", Map: map[string]string{"地块名称": "不存在"}}, ErrInput, []string{"--map", "不存在", "GL_XZFA"}},
		{"unknown format", writeFile(t, "i.kml", "<kml/>"), ReadOptions{}, ImportOptions{As: "i"}, ErrFormat, []string{"i.kml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bp := newBlueprint(t)
			src, err := Read(c.path, c.opt)
			if err == nil {
				_, err = Import(context.Background(), bp, src, c.imp)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if l := bp.Layer("GL_XZFA"); l.Count() != 0 || len(bp.Layers()) != 186 {
				t.Errorf("something was written: %d proposals, %d layers", l.Count(), len(bp.Layers()))
			}
		})
	}
}

// TestImportRefusesWrongType: lines into a polygon catalog layer are
// refused one by one, named, and nothing else is lost; the polygons go in
// journaled.
func TestImportRefusesWrongType(t *testing.T) {
	csv := "WKT,项目名称,面积(平方米)\n" +
		"\"POLYGON ((533000 4629000,533100 4629000,533100 4629100,533000 4629100,533000 4629000))\",甲项目,10000\n" +
		"\"LINESTRING (533000 4629000,533100 4629100)\",乙项目,\n" +
		"\"POLYGON ((533000 4629000,533100 4629100,533100 4629000,533000 4629100,533000 4629000))\",丙项目,abc\n" +
		"\"POLYGON ((533000 4629000,533100 4629100,533100 4629000,533000 4629100,533000 4629000))\",丁项目,5000\n" +
		",戊项目,1\n" +
		"\"POINT (1 2)\",,1\n" +
		"\"POLYGON ((533000 4629000,533100 4629000,533100 4629100,533000 4629000))\",,1\n"
	bp := newBlueprint(t)
	src := readSource(t, writeFile(t, "p.csv", csv), ReadOptions{})
	rep, err := Import(context.Background(), bp, src, ImportOptions{Layer: "GL_XZFA", SRS: 4550})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || !rep.Journal || rep.Mapping.Fields["项目名称"] != "xmmc" || rep.Mapping.Fields["面积(平方米)"] != "mj" {
		t.Fatalf("report %+v", rep)
	}
	refused := map[string]string{}
	for _, n := range rep.Refused {
		refused[n.Feature] = n.Reason
	}
	if !strings.Contains(refused["row 3"], "LineString cannot go into a polygon layer") ||
		!strings.Contains(refused["row 4"], "面积(平方米)") || refused["row 6"] != "no geometry" ||
		!strings.Contains(refused["row 7"], "Point cannot go") || refused["row 8"] != "required field xmmc (项目名称) is empty" || len(refused) != 5 {
		t.Errorf("refused %v", refused)
	}
	if len(rep.Repaired) != 1 || rep.Repaired[0].Feature != "row 5" || !strings.Contains(rep.Repaired[0].Reason, "Self-intersection") {
		t.Errorf("repaired %v", rep.Repaired)
	}
	j, err := bp.Journal(context.Background(), 0, 100)
	if err != nil || len(j) != 2 {
		t.Errorf("journal: %d entries, %v", len(j), err)
	}
	fs := features(t, bp, "GL_XZFA")
	if len(fs) != 2 || fs[0].Attrs["xmmc"] != "甲项目" || fs[0].Attrs["mj"] != 10000.0 || geosArea(t, fs[1].Geom) != 5000 {
		t.Errorf("features %v %v", fs[0].Attrs, fs[1].Attrs)
	}
}

// TestCSVSurveyOrder: x/y columns holding northing/easting (X = north, as
// Chinese surveyors write) are swapped and the swap is reported; lon/lat
// columns are not.
func TestCSVSurveyOrder(t *testing.T) {
	src := readSource(t, writeFile(t, "s.csv", "点号,X,Y\nJ1,4629000.5,41533000.25\nJ2,4629100,41533100\n"), ReadOptions{})
	if p := src.Features[0].Geom.(orb.Point); p != (orb.Point{41533000.25, 4629000.5}) || len(src.Notes) != 2 || !strings.Contains(src.Notes[1], "swapped") {
		t.Errorf("survey order: %v, notes %v", p, src.Notes)
	}
	src = readSource(t, writeFile(t, "l.csv", "经度,纬度\n123.4,41.8\n"), ReadOptions{})
	if p := src.Features[0].Geom.(orb.Point); p != (orb.Point{123.4, 41.8}) || len(src.Notes) != 1 {
		t.Errorf("lon/lat: %v, notes %v", p, src.Notes)
	}
}
