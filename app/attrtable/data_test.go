package attrtable

import (
	"context"
	"slices"
	"testing"

	"lantu/layers"
)

// tiny is five rows: fid 1..5, code, area (NULL for fid 2 and 4).
func tiny() *Data {
	d := &Data{Layer: landUse, row: map[int64]int32{}, Columns: []Column{
		{Name: "fid", Header: "fid", Numeric: true}, {Name: "dlbm", Header: "地类编码"}, {Name: "tbmj", Header: "面积", Numeric: true}}}
	d.text, d.nums = make([][]string, 3), make([][]float64, 3)
	for i, r := range []struct {
		code string
		area any
	}{{"0101", 300.0}, {"Wetland", nil}, {"0101", 100.0}, {"wet", nil}, {"0301", 5000.0}} {
		d.add(&layers.Feature{FID: int64(i + 1), Attrs: map[string]any{"dlbm": r.code, "tbmj": r.area}})
	}
	return d
}

func TestView(t *testing.T) {
	d := tiny()
	for _, c := range []struct {
		name string
		f    Filter
		o    Order
		fids []int64
	}{
		{"as read", NoFilter, Order{Col: -1}, []int64{1, 2, 3, 4, 5}},
		{"area ascending, NULLs last", NoFilter, Order{Col: 2}, []int64{3, 1, 5, 2, 4}},
		{"area descending, NULLs still last", NoFilter, Order{Col: 2, Desc: true}, []int64{5, 1, 3, 2, 4}},
		{"code descending, ties by fid", NoFilter, Order{Col: 1, Desc: true}, []int64{4, 2, 5, 1, 3}},
		{"text ignores case", Filter{Text: " WET ", Field: -1}, Order{Col: -1}, []int64{2, 4}},
		{"text in a number", Filter{Text: "500", Field: -1}, Order{Col: -1}, []int64{5}},
		{"field = number", Filter{Field: 2, Value: "5e3"}, Order{Col: -1}, []int64{5}},
		{"field = text, sorted", Filter{Field: 1, Value: "0101"}, Order{Col: 2}, []int64{3, 1}},
		{"field = text is exact", Filter{Field: 1, Value: "wet"}, Order{Col: -1}, []int64{4}},
		{"both", Filter{Text: "01", Field: 2, Value: "100"}, Order{Col: -1}, []int64{3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := View(context.Background(), d, c.f, c.o)
			if err != nil {
				t.Fatal(err)
			}
			var fids []int64
			for _, r := range rows {
				fids = append(fids, d.FIDs[r])
			}
			if !slices.Equal(fids, c.fids) {
				t.Fatalf("fids %v, want %v", fids, c.fids)
			}
		})
	}
}
