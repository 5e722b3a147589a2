package exchange

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lantu/layers/peer/peertest"
)

// TestOgrinfoReads runs GDAL's OAPIF driver against a running server: it
// lists the collections, and counts the same features as the store, paging
// through next links (limit 7).
func TestOgrinfoReads(t *testing.T) {
	ogrinfo := peertest.Tool(t, "ogrinfo")
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{PublicRead: true})
		url := "OAPIF:" + e.srv.URL
		out := run(t, ogrinfo, "-ro", "-q", url)
		for _, want := range []string{"xz_dltb", "xz_qxxzq", "gl_xzfa", "lantu_reviews"} {
			if !regexp.MustCompile(`(?m)^\d+: ` + want + `\b`).MatchString(out) {
				t.Errorf("ogrinfo does not list %s:\n%s", want, out)
			}
		}
		c, err := s.Collection(context.Background(), "xz_dltb")
		if err != nil {
			t.Fatal(err)
		}
		sum := run(t, ogrinfo, "-ro", "-so", url, "xz_dltb")
		if n := featureCount(t, sum); n != int(c.Count) || n != patches {
			t.Errorf("ogrinfo -so counts %d features, the store %d (published %d):\n%s", n, c.Count, patches, sum)
		}
		all := run(t, ogrinfo, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=7", url, "xz_dltb")
		if n := strings.Count(all, "OGRFeature(xz_dltb)"); n != patches {
			t.Errorf("ogrinfo -al read %d features through next links, want %d", n, patches)
		}
		if !strings.Contains(all, "MULTIPOLYGON (((123.") {
			t.Errorf("ogrinfo did not read CRS84 geometries:\n%.2000s", all)
		}
	})
}

func run(t *testing.T, tool string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func featureCount(t *testing.T, out string) int {
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no Feature Count in:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
