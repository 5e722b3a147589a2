package demo

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// The overlay workload: a blueprint shaped like one real city's data for
// the conflict engine's whole-process benchmark against PostGIS. Over a
// 100 km square in EPSG:4550 it holds two land-use coverages and the
// control lines laid on them (counts at scale "city"):
//
//	XZ_DLTB    200,000 status patches, a jittered tessellation, ~45 vertices
//	GH_CGYD     50,000 urban-plan polygons, a coarser tessellation (ydxz)
//	GH_TGDL     50,000 land-use-plan polygons, ~74 vertices (ydyhdm)
//	GH_YJJBNT   20,000 farmland polygons, ~69 vertices
//	GH_STBHHX      500 ecological red-line polygons
//	GH_CZKFBJ       50 development-boundary polygons, ~620 vertices, holes
//	GL_YDGHXK    5,000 planning permits (approvals)
//
// Scale "small" has a tenth of each count over the same square. Each
// tessellation is a true coverage: neighbours share their edge vertices
// exactly, as an exchange-format survey does.

// overlayScales maps an overlay scale to its count factor.
var overlayScales = map[string]float64{"small": 0.1, "city": 1}

// OverlayOrigin is the south-west corner of the overlay workload (EPSG:4550).
var OverlayOrigin = orb.Point{450000, 4580000}

// OverlaySide is the side of the overlay workload's square, in metres.
const OverlaySide = 100000.0

// OverlayStats counts the features written per layer code.
type OverlayStats = Stats

// GenerateOverlay writes the overlay workload to path (which must not
// exist). The same scale and seed give the same content.
func GenerateOverlay(ctx context.Context, path, scale string, seed uint64) (*OverlayStats, error) {
	k, ok := overlayScales[scale]
	if !ok {
		return nil, fmt.Errorf("demo: unknown overlay scale %q (want small or city)", scale)
	}
	bp, err := layers.Create(path, layers.CreateOptions{User: "bench"})
	if err != nil {
		return nil, err
	}
	o := &overlayGen{k: k, seed: seed, stats: Stats{Layers: map[string]int{}}}
	err = o.write(ctx, bp)
	if cerr := bp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("demo: overlay %s: %w", path, err)
	}
	return &o.stats, nil
}

// CachedOverlay returns the overlay workload of scale and seed kept in
// LANTU_BENCH_DIR (default lantu-bench under the system temp folder),
// generating it on first use; written under a temporary name and renamed.
func CachedOverlay(ctx context.Context, scale string, seed uint64) (string, error) {
	dir := os.Getenv("LANTU_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lantu-bench")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("demo: cache: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("overlay-%s-%d.gpkg", scale, seed))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if _, err := GenerateOverlay(ctx, tmp, scale, seed); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("demo: cache: %w", err)
	}
	return path, nil
}

// overlayGen holds one overlay generation. Not safe for concurrent use.
type overlayGen struct {
	k     float64
	seed  uint64
	w     *layers.BulkWriter
	stats Stats
}

func (o *overlayGen) write(ctx context.Context, bp *layers.Blueprint) error {
	var err error
	if o.w, err = bp.Bulk(ctx); err != nil {
		return err
	}
	steps := []func() error{o.status, o.urbanPlan, o.landPlan, o.farmland, o.redLine, o.devBoundary, o.approvals}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			o.w.Rollback()
			return err
		}
		if err := step(); err != nil {
			o.w.Rollback()
			return err
		}
	}
	return o.w.Commit()
}

func (o *overlayGen) put(code string, g orb.Geometry, attrs map[string]any) error {
	n := o.stats.Layers[code]
	attrs["uid"] = fmt.Sprintf("bench-%d-%s-%d", o.seed, code, n)
	if err := o.w.Insert(code, g, attrs); err != nil {
		return err
	}
	o.stats.Layers[code] = n + 1
	o.stats.Features++
	return nil
}

// count scales a city-size count.
func (o *overlayGen) count(n int) int { return max(1, int(float64(n)*o.k)) }

var (
	statusClasses = []string{"0101", "0103", "0201", "0301", "0305", "0404", "0702", "0601", "1003", "1101", "1202"}
	urbanClasses  = []string{"R", "A", "B", "M", "W", "S", "U", "G", "E", "E"}
	landClasses   = []string{"01", "02", "03", "07", "08", "09", "10", "11", "12", "13", "14", "16", "17"}
)

func (o *overlayGen) status() error {
	t := newTessellation(o.count(200000), o.seed*31+1, 10)
	return t.each(func(i int, ring orb.Ring) error {
		return o.put("XZ_DLTB", orb.Polygon{ring}, map[string]any{
			"bsm": fmt.Sprint(i + 1), "dlbm": statusClasses[t.pick(i, len(statusClasses))],
		})
	})
}

func (o *overlayGen) urbanPlan() error {
	t := newTessellation(o.count(50000), o.seed*31+2, 10)
	return t.each(func(i int, ring orb.Ring) error {
		return o.put("GH_CGYD", orb.Polygon{ring}, map[string]any{"dkbh": fmt.Sprint("CG", i+1), "ydxz": urbanClasses[t.pick(i, len(urbanClasses))]})
	})
}

func (o *overlayGen) landPlan() error {
	t := newTessellation(o.count(50000), o.seed*31+3, 17)
	return t.each(func(i int, ring orb.Ring) error {
		return o.put("GH_TGDL", orb.Polygon{ring}, map[string]any{"dkbh": fmt.Sprint("TG", i+1), "ydyhdm": landClasses[t.pick(i, len(landClasses))]})
	})
}

// farmland keeps about half the cells of a tessellation, each shrunk
// towards its centre, so the polygons stand apart.
func (o *overlayGen) farmland() error {
	want := o.count(20000)
	t := newTessellation(2*want, o.seed*31+4, 16)
	n := 0
	return t.each(func(i int, ring orb.Ring) error {
		if n >= want || t.pick(i, 2) != 0 {
			return nil
		}
		n++
		return o.put("GH_YJJBNT", orb.Polygon{shrink(ring, 0.75)}, map[string]any{"mc": fmt.Sprint("基本农田", n), "lx": "永久基本农田"})
	})
}

// redLine scatters star-shaped blobs of 40 vertices, 600 to 1,500 m across.
func (o *overlayGen) redLine() error {
	r := splitmix{o.seed*31 + 5}
	for i := range o.count(500) {
		c := orb.Point{OverlayOrigin[0] + r.float()*OverlaySide, OverlayOrigin[1] + r.float()*OverlaySide}
		ring := starRing(&r, c, 300+450*r.float(), 40)
		if err := o.put("GH_STBHHX", orb.Polygon{ring}, map[string]any{"mc": fmt.Sprint("生态保护红线", i+1)}); err != nil {
			return err
		}
	}
	return nil
}

// devBoundary lays 50 blobs of 620 vertices on a 7x7-and-one grid, each with
// two holes of 20 vertices.
func (o *overlayGen) devBoundary() error {
	r := splitmix{o.seed*31 + 6}
	n := o.count(50)
	side := int(math.Ceil(math.Sqrt(float64(n))))
	step := OverlaySide / float64(side)
	for i := range n {
		c := orb.Point{OverlayOrigin[0] + (float64(i%side)+0.5)*step, OverlayOrigin[1] + (float64(i/side)+0.5)*step}
		rad := step * (0.25 + 0.1*r.float())
		p := orb.Polygon{starRing(&r, c, rad, 620)}
		for h := range 2 {
			a := math.Pi * (float64(h) + 0.3*r.float())
			hc := orb.Point{c[0] + 0.4*rad*math.Cos(a), c[1] + 0.4*rad*math.Sin(a)}
			hole := circle(hc, 0.1*rad, 20)
			reverse(hole)
			p = append(p, hole)
		}
		if err := o.put("GH_CZKFBJ", p, map[string]any{"mc": fmt.Sprint("城镇开发边界", i+1)}); err != nil {
			return err
		}
	}
	return nil
}

// approvals scatters rotated rectangles 40 to 200 m a side.
func (o *overlayGen) approvals() error {
	r := splitmix{o.seed*31 + 7}
	for i := range o.count(5000) {
		c := orb.Point{OverlayOrigin[0] + r.float()*OverlaySide, OverlayOrigin[1] + r.float()*OverlaySide}
		w, h, a := 40+160*r.float(), 40+160*r.float(), r.float()*math.Pi
		ring := make(orb.Ring, 0, 5)
		for _, d := range [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
			x, y := d[0]*w/2, d[1]*h/2
			ring = append(ring, orb.Point{c[0] + x*math.Cos(a) - y*math.Sin(a), c[1] + x*math.Sin(a) + y*math.Cos(a)})
		}
		ring = append(ring, ring[0])
		if err := o.put("GL_YDGHXK", orb.Polygon{ring}, map[string]any{"xmmc": fmt.Sprint("项目", i+1), "pzwh": fmt.Sprint("许可", i+1), "ydyhdm": "07"}); err != nil {
			return err
		}
	}
	return nil
}

// tessellation is a grid of cells over the workload's square whose corners
// are jittered and whose edges carry per noisy vertices shared by both
// neighbours: a Voronoi-like coverage of simple polygons.
type tessellation struct {
	nx, ny   int
	cell     [2]float64
	seed     uint64
	perEdge  int
	cornerXY []orb.Point
}

func newTessellation(n int, seed uint64, perEdge int) *tessellation {
	side := max(1, int(math.Round(math.Sqrt(float64(n)))))
	t := &tessellation{nx: side, ny: max(1, (n+side-1)/side), seed: seed, perEdge: perEdge}
	t.cell = [2]float64{OverlaySide / float64(t.nx), OverlaySide / float64(t.ny)}
	t.cornerXY = make([]orb.Point, (t.nx+1)*(t.ny+1))
	for j := 0; j <= t.ny; j++ {
		for i := 0; i <= t.nx; i++ {
			x, y := float64(i)*t.cell[0], float64(j)*t.cell[1]
			if i > 0 && i < t.nx {
				x += (t.hash(1, i, j) - 0.5) * 0.4 * t.cell[0]
			}
			if j > 0 && j < t.ny {
				y += (t.hash(2, i, j) - 0.5) * 0.4 * t.cell[1]
			}
			t.cornerXY[j*(t.nx+1)+i] = orb.Point{OverlayOrigin[0] + x, OverlayOrigin[1] + y}
		}
	}
	return t
}

// each calls fn with every cell's closed counter-clockwise ring, row by row.
func (t *tessellation) each(fn func(i int, ring orb.Ring) error) error {
	for j := range t.ny {
		for i := range t.nx {
			ring := make(orb.Ring, 0, 4*(t.perEdge+1)+1)
			ring = t.edge(ring, 'h', i, j, false)   // bottom, west to east
			ring = t.edge(ring, 'v', i+1, j, false) // right, south to north
			ring = t.edge(ring, 'h', i, j+1, true)  // top, east to west
			ring = t.edge(ring, 'v', i, j, true)    // left, north to south
			ring = append(ring, ring[0])
			if err := fn(j*t.nx+i, ring); err != nil {
				return err
			}
		}
	}
	return nil
}

// edge appends an edge's start corner and inner vertices. A horizontal
// edge (i,j)-(i+1,j) or vertical one (i,j)-(i,j+1) is generated in its own
// direction, then reversed for the neighbour that walks it backwards.
func (t *tessellation) edge(ring orb.Ring, dir byte, i, j int, back bool) orb.Ring {
	p := t.corner(i, j)
	q := t.corner(i+1, j)
	size := t.cell[1]
	if dir == 'v' {
		q, size = t.corner(i, j+1), t.cell[0]
	}
	border := (dir == 'h' && (j == 0 || j == t.ny)) || (dir == 'v' && (i == 0 || i == t.nx))
	pts := make([]orb.Point, 0, t.perEdge)
	dx, dy := q[0]-p[0], q[1]-p[1]
	l := math.Hypot(dx, dy)
	for m := 1; m <= t.perEdge; m++ {
		f := float64(m) / float64(t.perEdge+1)
		off := 0.0
		if !border {
			off = (t.hash(uint64(dir)*8+uint64(m), i, j) - 0.5) * 0.08 * size * math.Sin(math.Pi*f)
		}
		pts = append(pts, orb.Point{p[0] + f*dx - off*dy/l, p[1] + f*dy + off*dx/l})
	}
	if back {
		reversePoints(pts)
		return append(append(ring, q), pts...)
	}
	return append(append(ring, p), pts...)
}

func (t *tessellation) corner(i, j int) orb.Point { return t.cornerXY[j*(t.nx+1)+i] }

// pick chooses one of n values for cell i.
func (t *tessellation) pick(i, n int) int { return int(t.hash(99, i, 0) * float64(n)) }

// hash is a deterministic value in [0,1) for (salt, i, j).
func (t *tessellation) hash(salt uint64, i, j int) float64 {
	s := splitmix{t.seed ^ salt*0x9E3779B97F4A7C15 ^ uint64(i)<<32 ^ uint64(j)}
	s.next()
	return s.float()
}

// splitmix is the SplitMix64 generator: tiny, seeded, deterministic.
type splitmix struct{ s uint64 }

func (r *splitmix) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (r *splitmix) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// starRing is a closed counter-clockwise ring of n vertices around c whose
// radius wanders between 0.8 and 1.2 times rad: star-shaped, so simple.
func starRing(r *splitmix, c orb.Point, rad float64, n int) orb.Ring {
	ph1, ph2 := r.float()*2*math.Pi, r.float()*2*math.Pi
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		d := rad * (1 + 0.12*math.Sin(3*a+ph1) + 0.05*math.Sin(11*a+ph2) + 0.03*(r.float()-0.5))
		ring = append(ring, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// shrink scales a closed ring by f about its vertex mean.
func shrink(ring orb.Ring, f float64) orb.Ring {
	var cx, cy float64
	n := len(ring) - 1
	for _, p := range ring[:n] {
		cx, cy = cx+p[0], cy+p[1]
	}
	cx, cy = cx/float64(n), cy/float64(n)
	out := make(orb.Ring, len(ring))
	for i, p := range ring {
		out[i] = orb.Point{cx + f*(p[0]-cx), cy + f*(p[1]-cy)}
	}
	return out
}

func reverse(r orb.Ring) { reversePoints(r) }

func reversePoints(r []orb.Point) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}
