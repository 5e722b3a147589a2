package conflict

import (
	"context"
	"testing"
)

// BenchmarkOverlay runs an exclusive rule over 5000 random A polygons and
// 1250 B polygons in memory.
func BenchmarkOverlay(b *testing.B) {
	src := randomSource(7, 5000)
	set := kindRule(b, KindExclusive)
	n := 0
	for b.Loop() {
		res, err := RunSource(context.Background(), src, set, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(res.Patches)
	}
	b.ReportMetric(float64(n), "patches")
}
