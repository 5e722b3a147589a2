package layout

import (
	"fmt"
	"math"
	"strings"
)

// mmPerPt is the length of a typographic point (1/72 inch) in mm.
const mmPerPt = 25.4 / 72

// Paper is a sheet size in mm, portrait (W <= H). A value: safe for
// concurrent use.
type Paper struct {
	Name string
	W, H float64
}

// Papers are the ISO 216 A sizes a sheet can be printed on.
var Papers = []Paper{
	{"A4", 210, 297}, {"A3", 297, 420}, {"A2", 420, 594}, {"A1", 594, 841}, {"A0", 841, 1189},
}

// PaperByName returns the paper called name (A4 … A0, any case).
func PaperByName(name string) (Paper, error) {
	for _, p := range Papers {
		if strings.EqualFold(strings.TrimSpace(name), p.Name) {
			return p, nil
		}
	}
	return Paper{}, fmt.Errorf("%w: unknown paper %q (want A4, A3, A2, A1 or A0)", ErrSheet, name)
}

// Oriented is the paper's width and height in mm for the orientation.
func (p Paper) Oriented(landscape bool) (w, h float64) {
	if landscape {
		return p.H, p.W
	}
	return p.W, p.H
}

// Rect is a rectangle on the sheet in mm from the top-left corner, y down.
// A value: safe for concurrent use.
type Rect struct{ X, Y, W, H float64 }

// Inset is r shrunk by d on every side.
func (r Rect) Inset(d float64) Rect { return Rect{r.X + d, r.Y + d, r.W - 2*d, r.H - 2*d} }

// Right and Bottom are the far edges.
func (r Rect) Right() float64  { return r.X + r.W }
func (r Rect) Bottom() float64 { return r.Y + r.H }

// roundScales are the scales planners print at, largest scale first.
var roundScales = []float64{
	500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000,
	200000, 250000, 500000, 1000000, 2000000, 5000000, 10000000,
}

// RoundScale is the round scale denominator nearest to n (by ratio): the
// dialog's suggestion for the map's current scale.
func RoundScale(n float64) float64 {
	if !(n > 0) || math.IsInf(n, 0) {
		return roundScales[len(roundScales)/2]
	}
	best := roundScales[0]
	for _, s := range roundScales {
		if math.Abs(math.Log(s/n)) < math.Abs(math.Log(best/n)) {
			best = s
		}
	}
	return best
}

// FitScale is the largest round scale (smallest denominator) at which a
// ground box w x h metres fits a frame of fw x fh mm.
func FitScale(w, h, fw, fh float64) float64 {
	need := math.Max(w/fw, h/fh) * 1000
	for _, s := range roundScales {
		if s >= need {
			return s
		}
	}
	return math.Ceil(need/1e6) * 1e6
}

// ScaleBar is a scale bar of round ground lengths. A value: safe for
// concurrent use.
type ScaleBar struct {
	Ground   float64 // metres the whole bar stands for
	Segments int     // alternating black and white parts
	Length   float64 // mm on the sheet
	Unit     string  // "m" or "km", for the tick labels
}

// NewScaleBar picks the longest round ground length (1, 2 or 5 × 10^k
// metres) whose bar at 1:scale is at most maxMM long on the sheet.
func NewScaleBar(scale, maxMM float64) ScaleBar {
	maxGround := maxMM * scale / 1000
	g := math.Pow(10, math.Floor(math.Log10(maxGround)))
	for _, m := range []float64{5, 2, 1} {
		if m*g <= maxGround {
			g *= m
			break
		}
	}
	segs := 4
	if first := g / math.Pow(10, math.Floor(math.Log10(g)+1e-9)); math.Abs(first-5) < 1e-9 {
		segs = 5
	}
	unit := "m"
	if g >= 1000 {
		unit = "km"
	}
	return ScaleBar{Ground: g, Segments: segs, Length: g * 1000 / scale, Unit: unit}
}

// Tick is the label of the bar at a fraction 0..1 of its length.
func (b ScaleBar) Tick(frac float64) string {
	v := b.Ground * frac
	if b.Unit == "km" {
		v /= 1000
	}
	return trimFloat(v)
}

// trimFloat prints v with at most three decimals and no trailing zeros.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// ScaleText is "1:50,000" for 50000.
func ScaleText(n float64) string {
	s := fmt.Sprintf("%.0f", math.Round(n))
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return "1:" + b.String()
}
