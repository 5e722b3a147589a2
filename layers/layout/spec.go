package layout

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
)

// Errors. Each error the package returns wraps one of them.
var (
	// ErrSheet is a sheet that cannot be made as asked: a bad scale,
	// paper, DPI, centre or box.
	ErrSheet = errors.New("layout: invalid sheet")
	// ErrOutside is a frame that shows none of the blueprint's data.
	ErrOutside = errors.New("layout: frame outside the data")
)

// DPI limits: a preview may go as low as MinDPI; prints are 150 or 300.
const (
	MinDPI = 20
	MaxDPI = 600
)

// Spec says what sheet to compose. A value: safe for concurrent use as
// long as callers do not change its slices and maps meanwhile.
type Spec struct {
	// Center is the middle of the map frame in the blueprint's CRS (map
	// units: metres in EPSG:4550). With a zero Center, BBox's centre.
	Center orb.Point
	// BBox, when Center is zero, is the area to show: centred in the frame
	// at Scale, or when Scale is 0 at the largest round scale that fits it.
	BBox  orb.Bound
	Scale float64 // the N of 1:N
	Paper string  // A4, A3, A2, A1, A0
	// Landscape turns the paper; portrait otherwise.
	Landscape bool
	DPI       int                // dots per inch of the raster map (and the PNG)
	Layers    []string           // codes drawn, in draw order; nil = the catalog's defaults
	Opacity   map[string]float64 // per-layer opacity 0..1; missing = 1
	Labels    bool               // draw feature labels
	Title     string
	Subtitle  string
	Author    string
	Date      time.Time // zero: today
}

// validate checks the parts of s that need no blueprint.
func (s Spec) validate() (Paper, error) {
	p, err := PaperByName(s.Paper)
	if err != nil {
		return p, err
	}
	switch {
	case s.DPI < MinDPI || s.DPI > MaxDPI:
		return p, fmt.Errorf("%w: DPI %d (want %d to %d, e.g. 150 or 300)", ErrSheet, s.DPI, MinDPI, MaxDPI)
	case math.IsNaN(s.Scale) || math.IsInf(s.Scale, 0) || s.Scale < 0:
		return p, fmt.Errorf("%w: scale 1:%v (want a positive number N of 1:N)", ErrSheet, s.Scale)
	case s.Scale == 0 && s.Center != (orb.Point{}):
		return p, fmt.Errorf("%w: scale 1:0 (a centre needs a scale N > 0)", ErrSheet)
	case s.Scale > 0 && s.Scale < 50:
		return p, fmt.Errorf("%w: scale 1:%v is larger than 1:50", ErrSheet, s.Scale)
	case s.Scale > 1e8:
		return p, fmt.Errorf("%w: scale 1:%v is smaller than 1:100,000,000", ErrSheet, s.Scale)
	case !finite(s.Center[0]) || !finite(s.Center[1]):
		return p, fmt.Errorf("%w: centre %v", ErrSheet, s.Center)
	case s.Center == (orb.Point{}) && s.BBox == (orb.Bound{}):
		return p, fmt.Errorf("%w: give a centre or a box", ErrSheet)
	}
	if s.Center == (orb.Point{}) {
		b := s.BBox
		if !finite(b.Min[0]) || !finite(b.Min[1]) || !finite(b.Max[0]) || !finite(b.Max[1]) ||
			b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1] {
			return p, fmt.Errorf("%w: box %v (want min below max)", ErrSheet, b)
		}
	}
	return p, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
