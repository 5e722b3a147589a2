package dxf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// errCurved marks a HATCH boundary with arcs, ellipses, splines or bulges,
// which is counted as skipped rather than approximated.
var errCurved = errors.New("curved hatch boundary")

// cursor walks an entity's pairs in order.
type cursor struct {
	r *reader
	e entity
	i int
}

// next returns the next pair of code, failing when another code comes.
func (c *cursor) next(code int) (pair, error) {
	if c.i >= len(c.e.pairs) || c.e.pairs[c.i].code != code {
		line := c.e.line
		got := "the end of the entity"
		if c.i < len(c.e.pairs) {
			line, got = c.e.pairs[c.i].line+1, fmt.Sprintf("group %d", c.e.pairs[c.i].code)
		}
		return pair{}, fmt.Errorf("%w: %s:%d: HATCH (line %d): want group %d, found %s", ErrSyntax, c.r.name, line, c.e.line, code, got)
	}
	c.i++
	return c.e.pairs[c.i-1], nil
}

func (c *cursor) int(code int) (int, error) {
	p, err := c.next(code)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(p.val))
	if err != nil || n < 0 || n > len(c.e.pairs) {
		return 0, fmt.Errorf("%w: %s:%d: HATCH (line %d): group %d count %q", ErrSyntax, c.r.name, p.line+1, c.e.line, code, p.val)
	}
	return n, nil
}

func (c *cursor) point(xc int) (orb.Point, error) {
	px, err := c.next(xc)
	if err != nil {
		return orb.Point{}, err
	}
	py, err := c.next(xc + 10)
	if err != nil {
		return orb.Point{}, err
	}
	x, err := c.r.num(c.e, px)
	if err != nil {
		return orb.Point{}, err
	}
	y, err := c.r.num(c.e, py)
	return orb.Point{x, y}, err
}

// hatch reads the boundary paths of a HATCH (group 91 onwards) made of
// straight polyline or line edges as a polygon: the first path and any path
// outside the paths before it are exteriors, a path inside one its hole.
func (r *reader) hatch(e entity) (orb.Geometry, error) {
	c := &cursor{r: r, e: e}
	for c.i < len(e.pairs) && e.pairs[c.i].code != 91 {
		c.i++
	}
	n, err := c.int(91)
	if err != nil {
		return nil, err
	}
	var mp orb.MultiPolygon
	for k := 0; k < n; k++ {
		ring, err := c.path()
		if err != nil {
			return nil, err
		}
		if len(ring) > 0 {
			mp = addRing(mp, ring) // a degenerate ring is kept: the importer names it
		}
	}
	if len(mp) == 1 {
		return mp[0], nil
	}
	return mp, nil
}

// path reads one boundary path (group 92 onwards) as a closed ring.
func (c *cursor) path() (orb.Ring, error) {
	flags, err := c.int(92)
	if err != nil {
		return nil, err
	}
	var ring orb.Ring
	if flags&2 != 0 {
		ring, err = c.polylinePath()
	} else {
		ring, err = c.edgePath()
	}
	if err != nil {
		return nil, err
	}
	refs, err := c.int(97)
	if err != nil {
		return nil, err
	}
	for ; refs > 0; refs-- {
		if _, err := c.next(330); err != nil {
			return nil, err
		}
	}
	if len(ring) > 0 && ring[0] != ring[len(ring)-1] {
		ring = append(ring, ring[0])
	}
	return ring, nil
}

// polylinePath reads 72 (has bulge), 73 (closed), 93 and the vertices.
func (c *cursor) polylinePath() (orb.Ring, error) {
	bulge, err := c.int(72)
	if err != nil {
		return nil, err
	}
	if _, err := c.int(73); err != nil {
		return nil, err
	}
	n, err := c.int(93)
	if err != nil {
		return nil, err
	}
	ring := make(orb.Ring, 0, n+1)
	for ; n > 0; n-- {
		p, err := c.point(10)
		if err != nil {
			return nil, err
		}
		if bulge != 0 {
			b, err := c.next(42)
			if err != nil {
				return nil, err
			}
			if v, err := c.r.num(c.e, b); err != nil || v != 0 {
				return nil, errCurved
			}
		}
		ring = append(ring, p)
	}
	return ring, nil
}

// edgePath reads 93 edges of type 1 (line); other edge types are curved.
func (c *cursor) edgePath() (orb.Ring, error) {
	n, err := c.int(93)
	if err != nil {
		return nil, err
	}
	var ring orb.Ring
	for ; n > 0; n-- {
		typ, err := c.int(72)
		if err != nil {
			return nil, err
		}
		if typ != 1 {
			return nil, errCurved
		}
		a, err := c.point(10)
		if err != nil {
			return nil, err
		}
		b, err := c.point(11)
		if err != nil {
			return nil, err
		}
		if len(ring) == 0 || ring[len(ring)-1] != a {
			ring = append(ring, a)
		}
		ring = append(ring, b)
	}
	return ring, nil
}

// addRing adds r to mp as the hole of the polygon whose exterior holds all
// its vertices, or as a new exterior.
func addRing(mp orb.MultiPolygon, r orb.Ring) orb.MultiPolygon {
	if len(r) < 4 {
		return append(mp, orb.Polygon{r})
	}
	for k, poly := range mp {
		inside := true
		for _, p := range r[:len(r)-1] {
			if len(poly[0]) < 4 {
				inside = false
				break
			}
			if !planar.RingContains(poly[0], p) {
				inside = false
				break
			}
		}
		if inside {
			mp[k] = append(mp[k], r)
			return mp
		}
	}
	return append(mp, orb.Polygon{r})
}
