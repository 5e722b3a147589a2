package layout

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/demo"
)

// benchmarkA3 composes an A3 landscape sheet at 1:50,000 and 300 dpi of
// the small demo's city centre, opened Lazy as lantuctl print opens it,
// then writes it with write.
func benchmarkA3(b *testing.B, write func(*Sheet, io.Writer) error) {
	path, err := demo.Cached(context.Background(), "small")
	if err != nil {
		b.Fatal(err)
	}
	spec := Spec{Center: orb.Point{540000, 4630000}, Scale: 50000, Paper: "A3", Landscape: true, DPI: 300,
		Labels: true, Title: "沈阳市", Date: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for range b.N {
		bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
		if err != nil {
			b.Fatal(err)
		}
		s, err := Compose(context.Background(), bp, spec, Options{})
		if err == nil && write != nil {
			err = write(s, io.Discard)
		}
		bp.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComposeA3At300(b *testing.B) { benchmarkA3(b, nil) }
func BenchmarkA3At300PDF(b *testing.B)     { benchmarkA3(b, (*Sheet).WritePDF) }
func BenchmarkA3At300PNG(b *testing.B)     { benchmarkA3(b, (*Sheet).WritePNG) }
