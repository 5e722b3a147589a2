package layers

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"lantu/layers/crs"
)

// ErrOutsideCRS is wrapped by the Problem of a layer whose coordinates lie
// outside the valid area of the CRS it declares (metres in a layer declared
// EPSG:4326, say): its geometry cannot be reprojected or measured. It is
// crs.ErrOutside.
var ErrOutsideCRS = crs.ErrOutside

// ProblemKind says what a Problem is about.
type ProblemKind int

const (
	// LayerSkipped: the table could not be read at all; it is not among
	// Layers (or, when its scan failed midway, it is there with no features).
	LayerSkipped ProblemKind = iota + 1
	// BadGeometry: one feature's geometry blob could not be decoded. The
	// feature is kept (counted, found by fid, returned by Query with
	// Feature.GeomErr set) but has no geometry to draw, index or check.
	BadGeometry
	// OutsideCRS: the layer's extent lies outside its CRS's valid area
	// (wraps ErrOutsideCRS); its geometry cannot be used.
	OutsideCRS
	// FarFromAreaOfUse: the layer's extent is far from its projected CRS's
	// area of use (wraps crs.ErrOutsideAreaOfUse). A warning: the
	// coordinates still transform, but are probably in other units.
	FarFromAreaOfUse
	// StyleUnused: the table's default style in layer_styles could not be
	// read or is of a kind Lantu cannot draw (wraps layerstyle.ErrMalformed
	// or layerstyle.ErrUnsupported, or the error reading layer_styles, whose
	// Table is then "layer_styles"); the layer is drawn in the generic
	// imported style.
	StyleUnused
)

// Problem is something in the file Lantu could not read or does not trust,
// found while opening it; the rest of the file opened all the same. FID is
// the feature's id for BadGeometry. A Problem is a plain value, safe for
// concurrent use.
type Problem struct {
	Kind  ProblemKind
	Table string
	FID   int64
	Err   error
}

func (p Problem) String() string {
	switch p.Kind {
	case LayerSkipped:
		return fmt.Sprintf("layer %s skipped: %v", p.Table, p.Err)
	case BadGeometry:
		return fmt.Sprintf("layer %s fid %d: geometry unreadable, feature kept without it: %v", p.Table, p.FID, p.Err)
	case FarFromAreaOfUse:
		return fmt.Sprintf("layer %s (warning): %v", p.Table, p.Err)
	case StyleUnused:
		if p.Table == "layer_styles" {
			return fmt.Sprintf("layer_styles unreadable, its tables drawn in the default style: %v", p.Err)
		}
		return fmt.Sprintf("layer %s: style not used, drawn in the default style: %v", p.Table, p.Err)
	}
	return fmt.Sprintf("layer %s: %v", p.Table, p.Err)
}

// Problems lists what could not be read, by table then fid: skipped layers,
// unreadable geometries and layers outside their CRS. Layers still being
// indexed (Background) add theirs when ready.
func (b *Blueprint) Problems() []Problem {
	b.problemMu.Lock()
	out := slices.Clone(b.problems)
	b.problemMu.Unlock()
	for _, l := range b.layers {
		out = append(out, l.Problems()...)
	}
	slices.SortStableFunc(out, func(a, b Problem) int {
		if c := strings.Compare(a.Table, b.Table); c != 0 {
			return c
		}
		if a.Kind != b.Kind {
			return int(a.Kind - b.Kind)
		}
		return cmp.Compare(a.FID, b.FID)
	})
	return out
}

// SkippedLayers are the Problems of kind LayerSkipped.
func (b *Blueprint) SkippedLayers() []Problem {
	var out []Problem
	for _, p := range b.Problems() {
		if p.Kind == LayerSkipped {
			out = append(out, p)
		}
	}
	return out
}

// addProblem records a problem of the file as a whole or of a skipped layer.
func (b *Blueprint) addProblem(p Problem) {
	b.problemMu.Lock()
	b.problems = append(b.problems, p)
	b.problemMu.Unlock()
}

// Problems lists the layer's unreadable geometries (as found when its index
// was built) and a CRS problem or warning, if any.
func (l *Layer) Problems() []Problem {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := slices.Clone(l.problems)
	if l.crsErr != nil {
		out = append(out, Problem{Kind: OutsideCRS, Table: l.Table, Err: l.crsErr})
	}
	if l.areaWarn != nil {
		out = append(out, Problem{Kind: FarFromAreaOfUse, Table: l.Table, Err: l.areaWarn})
	}
	return out
}

// CRSProblem is the error wrapping ErrOutsideCRS when the layer's extent lies
// outside its CRS's valid area, else nil.
func (l *Layer) CRSProblem() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.crsErr
}
