package render

import (
	"image/color"

	"github.com/paulmach/orb"
)

// Geometry is one layer's render geometry as the blueprint keeps it: flat
// float32 coordinates relative to an origin, per-feature boxes and an index.
// *layers.Snapshot implements it. Implementations must allow concurrent
// reads.
type Geometry interface {
	Search(box orb.Bound, fn func(i int) bool)
	Origin() orb.Point
	Box(i int) [4]float32 // minx, miny, maxx, maxy relative to Origin
	FID(i int) int64
	Class(i int) string
	Label(i int) string
	NumRings(i int) int
	Ring(i, r int) []float32
	PartStart(i, r int) bool
}

// Data hands out a consistent Geometry for the duration of fn. It must be
// safe for concurrent use. FromBlueprint's reads a layer's in-memory index;
// FromBlueprintView's reads, until the index is ready, the features of one
// request's area read from the file through the GeoPackage's R-tree.
type Data interface {
	Read(fn func(g Geometry))
}

// Kind is what a layer's features are drawn as. It is a value: safe for
// concurrent use.
type Kind uint8

// Feature kinds.
const (
	Polygon Kind = iota
	Line
	Point
)

// Style says how a layer is drawn. Colours are non-premultiplied. A Style is
// read-only once handed to a Renderer: safe for concurrent use.
type Style struct {
	Fill, Stroke color.NRGBA
	Width        float64   // outline or line width in pixels
	Dash         []float64 // on, off, ... in pixels; nil = solid
	Cap          string    // "butt" (default), "round", "square"
	Join         string    // "round" (default), "miter", "bevel"
	Hatch        string    // "", "diagonal", "cross", "horizontal", "vertical", "dots"
	HatchColor   color.NRGBA
	Opacity      float64 // fill and hatch opacity, 0..1 (0 means 1)
	Symbol       string  // points: "circle", "square", "triangle", "star", "cross"
	Size         float64 // point symbol size in pixels
	// ClassColor, when set, gives the fill (polygons) or stroke (lines,
	// points) colour of a feature from its class value.
	ClassColor func(class string) (color.NRGBA, bool)
	// ClassOnly, with ClassColor, draws only the features whose class
	// ClassColor knows (NULL and empty classes included): the others are
	// skipped, as QGIS's categorized and graduated renderers skip them. A
	// ClassOnly style without a Fill takes the class colour as its Stroke.
	ClassOnly bool
	// ClassWidth, when set, gives the outline or line width of a feature
	// from its class value; Width must then be the widest it gives (the
	// margin of tiles is reckoned from Width).
	ClassWidth func(class string) float64
}

// Layer is one drawable layer: identity, style, scale range and data. It is
// read-only once handed to a Renderer: safe for concurrent use.
type Layer struct {
	Code     string
	Kind     Kind
	Style    Style
	MinScale float64 // most zoomed out scale denominator shown; 0 = unlimited
	MaxScale float64 // most zoomed in scale denominator shown; 0 = unlimited
	Visible  bool    // shown when a request names no layers
	Labels   bool    // has a label field
	Data     Data
}

// Source lists the layers a Renderer draws, in draw order (first drawn
// first). Implementations must be safe for concurrent use.
type Source interface {
	Layers() []*Layer
}

// inScale reports whether the layer shows at scale denominator s: between
// MaxScale (most zoomed in) and MinScale (most zoomed out), as in the
// catalog and QGIS; a zero bound is unlimited.
func (l *Layer) inScale(s float64) bool {
	return (l.MaxScale <= 0 || s >= l.MaxScale) && (l.MinScale <= 0 || s <= l.MinScale)
}

// LayerList is a fixed Source. It is safe for concurrent use.
type LayerList []*Layer

// Layers implements Source.
func (l LayerList) Layers() []*Layer { return l }
