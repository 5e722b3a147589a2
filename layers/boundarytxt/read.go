package boundarytxt

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Options configure Read. A plain value.
type Options struct {
	// Encoding of the file: "" detects UTF-8 (with or without BOM) and
	// otherwise reads GB18030, a superset of GBK.
	Encoding string
}

// point is one point line as written.
type point struct {
	name string
	ring int
	a, b float64 // the two numbers in file order
	line int
}

// ring is a closed ring of point lines.
type ring []point

// parser holds the state of one Read.
type parser struct {
	name    string
	f       *File
	section string
	parcel  *Parcel
	rings   []ring   // the current parcel's closed rings
	open    ring     // the current parcel's ring being read
	raw     [][]ring // closed rings of each parcel
}

// Read parses a boundary-point file; name is used in errors. Every error
// names the file and line, and for rings the parcel.
func Read(name string, data []byte, opt Options) (*File, error) {
	text, enc, err := decode(data, opt.Encoding)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &parser{name: name, f: &File{Encoding: enc}}
	for i, line := range strings.Split(text, "\n") {
		if err := p.line(i+1, strings.TrimSpace(line)); err != nil {
			return nil, err
		}
	}
	if err := p.endParcel(); err != nil {
		return nil, err
	}
	if len(p.f.Parcels) == 0 {
		return nil, fmt.Errorf("%w: %s: no [地块坐标] parcel", ErrSyntax, name)
	}
	if err := p.orient(); err != nil {
		return nil, err
	}
	return p.f, nil
}

func (p *parser) errorf(line int, sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s:%d: %s", sentinel, p.name, line, fmt.Sprintf(format, args...))
}

// line handles one trimmed line.
func (p *parser) line(n int, s string) error {
	switch {
	case s == "":
		return nil
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		p.section = strings.TrimSpace(s[1 : len(s)-1])
		return nil
	case p.section == "属性描述":
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return p.errorf(n, ErrSyntax, "header line %q is not key=value", s)
		}
		p.f.Header = append(p.f.Header, KeyValue{strings.TrimSpace(k), strings.TrimSpace(v)})
		return nil
	case p.section == "地块坐标":
		return p.coordLine(n, s)
	}
	return p.errorf(n, ErrSyntax, "line outside [属性描述] or [地块坐标]: %q", s)
}

// coordLine handles a parcel line or a point line.
func (p *parser) coordLine(n int, s string) error {
	fields := strings.Split(s, ",")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	if fields[len(fields)-1] == "@" {
		return p.startParcel(n, fields[:len(fields)-1])
	}
	if p.parcel == nil {
		return p.errorf(n, ErrSyntax, "point line before any parcel line")
	}
	if len(fields) != 4 {
		return p.errorf(n, ErrSyntax, "parcel %s: point line %q: want name,ring,X,Y", p.parcel.Number, s)
	}
	ringNo, err1 := strconv.Atoi(fields[1])
	a, err2 := strconv.ParseFloat(fields[2], 64)
	b, err3 := strconv.ParseFloat(fields[3], 64)
	if err1 != nil || err2 != nil || err3 != nil || ringNo < 1 || !finite(a) || !finite(b) {
		return p.errorf(n, ErrSyntax, "parcel %s: point line %q: bad ring number or coordinate", p.parcel.Number, s)
	}
	return p.addPoint(point{fields[0], ringNo, a, b, n})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// startParcel ends the current parcel and starts one from its fields.
func (p *parser) startParcel(n int, fields []string) error {
	if err := p.endParcel(); err != nil {
		return err
	}
	for len(fields) < 8 {
		fields = append(fields, "")
	}
	pts, err := strconv.Atoi(fields[0])
	if err != nil || pts < 0 {
		return p.errorf(n, ErrSyntax, "parcel line: 点数 %q is not a count", fields[0])
	}
	area, err := strconv.ParseFloat(fields[1], 64)
	if fields[1] == "" {
		area, err = 0, nil
	}
	if err != nil || !finite(area) {
		return p.errorf(n, ErrSyntax, "parcel line: 面积 %q is not a number", fields[1])
	}
	p.parcel = &Parcel{Points: pts, Area: area, Number: fields[2], Name: fields[3], Shape: fields[4],
		Sheet: fields[5], Use: fields[6], LandCode: fields[7], Line: n}
	return nil
}

// addPoint appends a point to the open ring; the ring closes when its first
// point comes again.
func (p *parser) addPoint(pt point) error {
	if len(p.open) > 0 && p.open[0].ring != pt.ring {
		return p.openRingError(p.open[len(p.open)-1].line)
	}
	p.open = append(p.open, pt)
	first := p.open[0]
	if len(p.open) >= 4 && pt.a == first.a && pt.b == first.b {
		p.rings = append(p.rings, p.open)
		p.open = nil
	}
	return nil
}

func (p *parser) openRingError(line int) error {
	return p.errorf(line, ErrOpenRing, "parcel %s (%s, line %d): ring %d does not end on its first point %s",
		p.parcel.Number, p.parcel.Name, p.parcel.Line, p.open[0].ring, p.open[0].name)
}

// endParcel checks the current parcel's rings and stores it.
func (p *parser) endParcel() error {
	if p.parcel == nil {
		return nil
	}
	if len(p.open) > 0 {
		return p.openRingError(p.open[len(p.open)-1].line)
	}
	if len(p.rings) == 0 {
		return p.errorf(p.parcel.Line, ErrSyntax, "parcel %s (%s) has no closed ring", p.parcel.Number, p.parcel.Name)
	}
	p.f.Parcels = append(p.f.Parcels, *p.parcel)
	p.raw = append(p.raw, p.rings)
	p.parcel, p.rings = nil, nil
	return nil
}

// orient decides the axis order and zone from every point, sets the EPSG
// code and builds each parcel's geometry.
func (p *parser) orient() error {
	northingFirst, zone, err := p.axisOrder()
	if err != nil {
		return err
	}
	p.f.NorthingFirst, p.f.Zone = northingFirst, zone
	if p.f.EPSG, err = p.epsg(zone); err != nil {
		return err
	}
	for i := range p.f.Parcels {
		pc := &p.f.Parcels[i]
		pc.Geometry = assemble(p.raw[i], northingFirst)
	}
	return nil
}

// axisOrder finds which number is the easting, and the zone prefix.
func (p *parser) axisOrder() (northingFirst bool, zone int, err error) {
	votes := [2]int{}
	zone = -1
	for _, rings := range p.raw {
		for _, r := range rings {
			for _, pt := range r {
				e := pt.b
				pe, okB := isEasting(pt.b)
				pa, okA := isEasting(pt.a)
				switch {
				case okB && isNorthing(pt.a):
					votes[0]++
				case okA && isNorthing(pt.b):
					votes[1]++
					e, pe = pt.a, pa
				default:
					return false, 0, p.errorf(pt.line, ErrCRS, "point %s: %v, %v is not a Gauss-Krüger northing and easting", pt.name, pt.a, pt.b)
				}
				z := 0
				if pe {
					z = int(e / 1e6)
				}
				if zone >= 0 && z != zone {
					return false, 0, p.errorf(pt.line, ErrCRS, "point %s: zone %d differs from zone %d of the points before", pt.name, z, zone)
				}
				zone = z
			}
		}
	}
	if votes[0] > 0 && votes[1] > 0 {
		return false, 0, fmt.Errorf("%w: %s: %d points give the northing first and %d the easting first", ErrCRS, p.name, votes[0], votes[1])
	}
	return votes[0] > 0, zone, nil
}

// epsg checks the header against what the coordinates say.
func (p *parser) epsg(zone int) (int, error) {
	if cs := p.f.Value("坐标系"); cs != "" && !strings.Contains(cs, "2000") {
		return 0, fmt.Errorf("%w: %s: 坐标系=%s (only CGCS2000 is known)", ErrCRS, p.name, cs)
	}
	if u := p.f.Value("计量单位"); u != "" && u != "米" && !strings.EqualFold(u, "m") {
		return 0, fmt.Errorf("%w: %s: 计量单位=%s (want 米)", ErrCRS, p.name, u)
	}
	width := 3
	if w := p.f.Value("几度分带"); w != "" {
		var err error
		if width, err = strconv.Atoi(w); err != nil || (width != 3 && width != 6) {
			return 0, fmt.Errorf("%w: %s: 几度分带=%s (want 3 or 6)", ErrCRS, p.name, w)
		}
	}
	if zone > 0 {
		return zoneEPSG(width, zone, true)
	}
	if z := p.f.Value("带号"); z != "" {
		n, err := strconv.Atoi(z)
		if err != nil {
			return 0, fmt.Errorf("%w: %s: 带号=%s", ErrCRS, p.name, z)
		}
		return zoneEPSG(width, n, false)
	}
	if width != 3 {
		return 0, fmt.Errorf("%w: %s: 6-degree zone without 带号 or zone prefix", ErrCRS, p.name)
	}
	return 4550, nil // the blueprint's own zone, CM 123E
}

// assemble turns closed rings into polygons: a ring inside an exterior
// before it is that exterior's hole, any other ring a new exterior.
func assemble(rings []ring, northingFirst bool) orb.MultiPolygon {
	var mp orb.MultiPolygon
	for _, r := range rings {
		or := make(orb.Ring, len(r))
		for i, pt := range r {
			if northingFirst {
				or[i] = orb.Point{pt.b, pt.a}
			} else {
				or[i] = orb.Point{pt.a, pt.b}
			}
		}
		if k := containing(mp, or); k >= 0 {
			mp[k] = append(mp[k], or)
		} else {
			mp = append(mp, orb.Polygon{or})
		}
	}
	return mp
}

// containing is the index of the polygon whose exterior holds r's points.
func containing(mp orb.MultiPolygon, r orb.Ring) int {
	for k, poly := range mp {
		inside := true
		for _, pt := range r[:len(r)-1] {
			if !planar.RingContains(poly[0], pt) {
				inside = false
				break
			}
		}
		if inside {
			return k
		}
	}
	return -1
}
