package render

import "math"

// clipPad is how far, in pixels, a feature may reach past a canvas before
// it is clipped: beyond it coordinates are clipped exactly instead of
// being handed whole to the rasteriser.
const clipPad = 2048

// rect is a clip rectangle in canvas pixels.
type rect struct{ x0, y0, x1, y1 float32 }

// clipRings clips every ring of src to r (Sutherland-Hodgman) into dst.
// Rings keep their orientation; edges along r lie outside the canvas.
func clipRings(dst, src *path, r rect) {
	dst.reset()
	var a, b []float32
	for k := 0; k < src.parts(); k++ {
		a = append(a[:0], src.part(k)...)
		for e := 0; e < 4 && len(a) >= 6; e++ {
			b = clipEdge(b[:0], a, r, e)
			a, b = b, a
		}
		if len(a) < 6 {
			continue
		}
		dst.begin()
		for i := 0; i < len(a); i += 2 {
			dst.add(a[i], a[i+1])
		}
	}
}

// inside reports whether (x, y) is on the inner side of edge e of r.
func inside(x, y float32, r rect, e int) bool {
	switch e {
	case 0:
		return x >= r.x0
	case 1:
		return x <= r.x1
	case 2:
		return y >= r.y0
	}
	return y <= r.y1
}

// cross is where segment a->b meets edge e of r.
func cross(ax, ay, bx, by float32, r rect, e int) (float32, float32) {
	switch e {
	case 0, 1:
		x := r.x0
		if e == 1 {
			x = r.x1
		}
		return x, ay + (by-ay)*(x-ax)/(bx-ax)
	}
	y := r.y0
	if e == 3 {
		y = r.y1
	}
	return ax + (bx-ax)*(y-ay)/(by-ay), y
}

// clipEdge clips a closed ring to one edge of r.
func clipEdge(out, ring []float32, r rect, e int) []float32 {
	n := len(ring) / 2
	for i := 0; i < n; i++ {
		j := (i + n - 1) % n
		ax, ay, bx, by := ring[2*j], ring[2*j+1], ring[2*i], ring[2*i+1]
		ain, bin := inside(ax, ay, r, e), inside(bx, by, r, e)
		if bin != ain {
			x, y := cross(ax, ay, bx, by, r, e)
			out = append(out, x, y)
		}
		if bin {
			out = append(out, bx, by)
		}
	}
	return out
}

// clipLines clips the parts of src (closed rings when closed) to r
// (Liang-Barsky) into dst. Each output part records how far along its
// source line it starts, so dash patterns continue across tiles.
func clipLines(dst, src *path, closed bool, r rect) {
	dst.reset()
	for k := 0; k < src.parts(); k++ {
		xy := src.part(k)
		n := len(xy) / 2
		if closed && n > 2 {
			xy = append(xy[:2*n:2*n], xy[0], xy[1])
			n++
		}
		var dist float32
		open := false
		for i := 0; i+1 < n; i++ {
			ax, ay, bx, by := xy[2*i], xy[2*i+1], xy[2*i+2], xy[2*i+3]
			l := float32(math.Hypot(float64(bx-ax), float64(by-ay)))
			t0, t1, ok := liangBarsky(ax, ay, bx, by, r)
			if !ok {
				open = false
				dist += l
				continue
			}
			if !open || t0 > 0 {
				dst.beginAt(dist + t0*l)
				dst.add(ax+(bx-ax)*t0, ay+(by-ay)*t0)
			}
			dst.add(ax+(bx-ax)*t1, ay+(by-ay)*t1)
			open = t1 == 1
			dist += l
		}
	}
}

// liangBarsky returns the parameter range of segment a->b inside r.
func liangBarsky(ax, ay, bx, by float32, r rect) (t0, t1 float32, ok bool) {
	t0, t1 = 0, 1
	dx, dy := bx-ax, by-ay
	for _, c := range [4][2]float32{{-dx, ax - r.x0}, {dx, r.x1 - ax}, {-dy, ay - r.y0}, {dy, r.y1 - ay}} {
		p, q := c[0], c[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = max(t0, t)
		} else {
			t1 = min(t1, t)
		}
		if t0 > t1 {
			return 0, 0, false
		}
	}
	return t0, t1, true
}
