package editor

import "github.com/paulmach/orb"

// PathStyle says how an overlay path is drawn.
type PathStyle int

// Overlay path styles.
const (
	StyleSketch   PathStyle = iota // the vertices drawn so far
	StyleRubber                    // from the last vertex to the cursor (and back to the first)
	StyleSelected                  // a selected feature
	StyleDragged                   // a feature being dragged
)

// HandleKind says how an overlay handle is drawn.
type HandleKind int

// Overlay handle kinds.
const (
	HandleVertex     HandleKind = iota // a vertex of the sketch or the selection
	HandleMidpoint                     // drag to insert a vertex
	HandleActive                       // the selected or dragged vertex
	HandleSnapVertex                   // snapped to a vertex
	HandleSnapEdge                     // snapped to an edge
)

// Path is a polyline of the overlay in map coordinates.
type Path struct {
	Pts    []orb.Point
	Closed bool
	Style  PathStyle
}

// Handle is a marker of the overlay in map coordinates.
type Handle struct {
	P    orb.Point
	Kind HandleKind
}

// Overlay is what the map draws over its frame for the session. A value.
type Overlay struct {
	Paths   []Path
	Handles []Handle
}

// Overlay describes the session's sketch, rubber band, selection, handles
// and snap marker.
func (s *Session) Overlay() Overlay {
	var o Overlay
	s.selectionOverlay(&o)
	s.sketchOverlay(&o)
	if s.snap.Kind != SnapNone && s.hover {
		k := HandleSnapVertex
		if s.snap.Kind == SnapEdge {
			k = HandleSnapEdge
		}
		o.Handles = append(o.Handles, Handle{P: s.snap.P, Kind: k})
	}
	return o
}

func (s *Session) sketchOverlay(o *Overlay) {
	if len(s.sketch) == 0 {
		return
	}
	poly := s.kind() == Polygon
	o.Paths = append(o.Paths, Path{Pts: clonePts(s.sketch), Closed: poly && s.pending != nil, Style: StyleSketch})
	if s.hover && s.pending == nil {
		band := []orb.Point{s.sketch[len(s.sketch)-1], s.cursorPoint()}
		if poly && len(s.sketch) > 1 {
			band = append(band, s.sketch[0])
		}
		o.Paths = append(o.Paths, Path{Pts: band, Style: StyleRubber})
	}
	for _, p := range s.sketch {
		o.Handles = append(o.Handles, Handle{P: p, Kind: HandleVertex})
	}
}

func (s *Session) selectionOverlay(o *Overlay) {
	for i, f := range s.sel {
		sh, ok := shapeOf(f.Geom)
		if !ok {
			continue
		}
		style := StyleSelected
		if i == 0 && s.drag != nil {
			sh, style = s.drag.shape, StyleDragged
		}
		for _, ps := range sh.paths {
			o.Paths = append(o.Paths, Path{Pts: clonePts(ps), Closed: sh.closed(), Style: style})
		}
		if i != 0 || len(s.sel) != 1 {
			continue
		}
		if s.tool == ToolSelect {
			_, mids := midpoints(sh)
			for _, p := range mids {
				o.Handles = append(o.Handles, Handle{P: p, Kind: HandleMidpoint})
			}
		}
		for pi, ps := range sh.paths {
			for vi, p := range ps {
				k := HandleVertex
				if s.vsel == (vertexRef{pi, vi}) {
					k = HandleActive
				}
				o.Handles = append(o.Handles, Handle{P: p, Kind: k})
			}
		}
	}
}

// Key handles a key on the map by its Fyne name: Return/Enter finish,
// Escape cancels, BackSpace removes the last vertex (or the selected
// vertex), Delete removes the selected vertex or features. It reports
// whether the key was used.
func (s *Session) Key(name string) bool {
	switch name {
	case "Return", "Enter":
		if len(s.sketch) == 0 {
			return false
		}
		s.Finish()
	case "Escape":
		s.Cancel()
	case "BackSpace":
		switch {
		case len(s.sketch) > 0:
			s.RemoveLastVertex()
		case s.vsel != noVertex:
			s.DeleteVertex()
		default:
			return false
		}
	case "Delete":
		switch {
		case s.vsel != noVertex:
			s.DeleteVertex()
		case len(s.sel) > 0:
			s.DeleteSelected()
		default:
			return false
		}
	default:
		return false
	}
	return true
}
