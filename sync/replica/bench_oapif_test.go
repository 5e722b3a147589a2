package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lantu/layers/peer/peertest"
	"lantu/sync/exchange"
)

// mapfile serves the xz_dltb table of a GeoPackage through MapServer's
// OGC API Features (mapserv as CGI, map name "lantu").
const mapfile = `MAP
  NAME "lantu"
  EXTENT 300000 4400000 600000 4800000
  PROJECTION "init=epsg:4550" END
  WEB
    METADATA
      "oga_enable_request" "*"
      "oga_onlineresource" "%s/ms/lantu/ogcapi"
      "oga_max_limit" "10000"
      "ows_title" "lantu"
      "ows_srs" "EPSG:4550 EPSG:4326"
    END
  END
  LAYER
    NAME "xz_dltb"
    TYPE POLYGON
    STATUS ON
    TEMPLATE "void"
    CONNECTIONTYPE OGR
    CONNECTION "%s"
    DATA "xz_dltb"
    PROJECTION "init=epsg:4550" END
    METADATA
      "ows_title" "xz_dltb"
      "gml_include_items" "all"
      "gml_featureid" "uid"
    END
  END
END
`

// pageAll follows an OGC API items collection's next links from url and
// counts the features.
func pageAll(b *testing.B, url string) int {
	n := 0
	for url != "" {
		res, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Features []json.RawMessage `json:"features"`
			Links    []struct{ Href, Rel, Type string }
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
		}
		n += len(page.Features)
		url = ""
		for _, l := range page.Links {
			if l.Rel == "next" && (l.Type == "" || strings.Contains(l.Type, "json")) {
				url = l.Href
			}
		}
		if len(page.Features) == 0 {
			break
		}
	}
	return n
}

// BenchmarkItemsVsMapServer pages through a collection of
// LANTU_BENCH_ITEMS 50-vertex polygons (default 200k) as CRS84 GeoJSON,
// 10000 a page: our /items, MapServer 8's OGC API Features on the same
// GeoPackage table (mapserv as CGI behind net/http/cgi, in the same
// run), ogr2ogr from our OAPIF endpoint, and ogr2ogr from our snapshot
// (GeoJSONSeq over /vsicurl/). Each reports features/s.
func BenchmarkItemsVsMapServer(b *testing.B) {
	mapserv, ogr2ogr := peertest.Tool(b, "mapserv"), peertest.Tool(b, "ogr2ogr")
	ctx := context.Background()
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("LANTU_BENCH_ITEMS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "big.gpkg")
	if err := writeBig(src, n); err != nil {
		b.Fatal(err)
	}
	s, err := exchange.OpenSQLite(ctx, filepath.Join(dir, "ex.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := exchange.Publish(ctx, s, src, []string{"XZ_DLTB"}, "bench"); err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.Handle("/", exchange.NewServer(s, exchange.Options{PublicRead: true, Rate: -1, ReadRate: -1, SnapshotDir: filepath.Join(dir, "snap")}))
	conf, mapPath := filepath.Join(dir, "ms.conf"), filepath.Join(dir, "lantu.map")
	os.WriteFile(mapPath, []byte(fmt.Sprintf(mapfile, srv.URL, src)), 0o644)
	os.WriteFile(conf, []byte(fmt.Sprintf("CONFIG\n ENV\n  MS_MAP_PATTERN \"^/\"\n END\n MAPS\n  \"lantu\" %q\n END\nEND\n", mapPath)), 0o644)
	mux.Handle("/ms/", &cgi.Handler{Path: mapserv, Root: "/ms", Env: []string{"MAPSERVER_CONFIG_FILE=" + conf}})
	if res, err := http.Get(srv.URL + "/collections/xz_dltb/snapshot"); err == nil { // built once, before the timer
		res.Body.Close()
	}
	run := func(name string, want int, fn func() int) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if got := fn(); got < want {
					b.Fatalf("%d features, want %d", got, want)
				}
			}
			b.ReportMetric(float64(want)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
		})
	}
	run("lantu-items", n, func() int { return pageAll(b, srv.URL+"/collections/xz_dltb/items?limit=10000") })
	run("mapserver-items", n, func() int {
		return pageAll(b, srv.URL+"/ms/lantu/ogcapi/collections/xz_dltb/items?f=json&limit=10000")
	})
	ogr := func(args ...string) int {
		out := filepath.Join(b.TempDir(), "out.gpkg")
		cmd := exec.Command(ogr2ogr, append([]string{"-f", "GPKG", out}, args...)...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ogr2ogr %v: %v\n%s", args, err, msg)
		}
		info, err := exec.Command(filepath.Join(filepath.Dir(ogr2ogr), "ogrinfo"), "-so", "-al", out).CombinedOutput()
		if err != nil {
			b.Fatal(err)
		}
		_, cnt, _ := strings.Cut(string(info), "Feature Count: ")
		c, _ := strconv.Atoi(strings.Fields(cnt + " 0")[0])
		return c
	}
	run("ogr2ogr-oapif", n, func() int {
		return ogr("OAPIF:"+srv.URL, "-oo", "PAGE_SIZE=10000", "xz_dltb")
	})
	run("ogr2ogr-snapshot", n, func() int {
		return ogr("GeoJSONSeq:/vsicurl/" + srv.URL + "/collections/xz_dltb/snapshot")
	})
}
