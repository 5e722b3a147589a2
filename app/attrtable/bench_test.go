package attrtable

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"lantu/layers"
)

// synthetic is a land-use table of n rows built in memory: fid, a text
// code of 40 classes, a village name and a numeric area.
func synthetic(n int) *Data {
	d := &Data{Layer: landUse, row: map[int64]int32{}, Columns: []Column{
		{Name: "fid", Header: "fid", Numeric: true}, {Name: "dlbm", Header: "地类编码"},
		{Name: "zldwmc", Header: "坐落单位名称"}, {Name: "tbmj", Header: "图斑面积", Numeric: true}}}
	d.text = make([][]string, 4)
	d.nums = make([][]float64, 4)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		f := &layers.Feature{FID: int64(i + 1), Attrs: map[string]any{
			"dlbm":   fmt.Sprintf("%02d%02d", 1+r.IntN(12), 1+r.IntN(4)),
			"zldwmc": fmt.Sprintf("第%d村", r.IntN(900)),
			"tbmj":   r.Float64() * 1e6,
		}}
		d.add(f)
	}
	return d
}

// BenchmarkView filters by text and sorts by area: the work a keystroke in
// the filter box or a click on a header starts, off the UI goroutine.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{20_000, 200_000} {
		d := synthetic(n)
		for _, c := range []struct {
			name string
			f    Filter
			o    Order
		}{
			{"sort-area", NoFilter, Order{Col: 3, Desc: true}},
			{"text", Filter{Text: "第12", Field: -1}, Order{Col: -1}},
			{"field=value+sort-text", Filter{Field: 1, Value: "0101"}, Order{Col: 2}},
		} {
			b.Run(fmt.Sprintf("rows=%d/%s", n, c.name), func(b *testing.B) {
				kept := 0
				for b.Loop() {
					rows, err := View(context.Background(), d, c.f, c.o)
					if err != nil {
						b.Fatal(err)
					}
					kept = len(rows)
				}
				b.ReportMetric(float64(kept), "rows-kept")
			})
		}
	}
}

// BenchmarkLoad reads a land-use layer's attributes through Query, as
// opening the table does.
func BenchmarkLoad(b *testing.B) {
	const n = 20_000
	bp := parcels(b, n)
	for b.Loop() {
		d, err := Load(context.Background(), bp, landUse, nil)
		if err != nil || d.Len() != n {
			b.Fatalf("%v rows, %v", d.Len(), err)
		}
	}
	b.ReportMetric(n, "rows")
}
