package wire

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
)

// coordScanner parses GeoJSON coordinate arrays straight into orb points,
// without reflection: a feed page holds millions of numbers. Not safe for
// concurrent use.
type coordScanner struct {
	b   []byte
	i   int
	pts []orb.Point // scratch of positions(), copied out at the end
}

var errCoords = errors.New("malformed coordinates")

func (s *coordScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *coordScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *coordScanner) expect(c byte) error {
	if s.peek() != c {
		return fmt.Errorf("%w: want %q at byte %d", errCoords, c, s.i)
	}
	s.i++
	return nil
}

func (s *coordScanner) number() (float64, error) {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if v, ok := fastFloat(s.b[start:s.i]); ok {
		return v, nil
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil || start == s.i {
		return 0, fmt.Errorf("%w: a number at byte %d", errCoords, start)
	}
	return v, nil
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat parses -?digits(.digits)? of at most 15 digits, the shape of
// nearly every coordinate, as strconv.ParseFloat would: the digits are an
// exact integer below 2^53 and the power of ten is exact, so the one
// division rounds correctly (Clinger's fast path). ok is false for
// anything else, left to strconv.
func fastFloat(b []byte) (v float64, ok bool) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		i, neg = 1, true
	}
	var m uint64
	nd, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			if nd++; dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if nd == 0 || nd > 15 || dot && frac == 0 {
		return 0, false
	}
	v = float64(m) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}

// list parses '[' item (',' item)* ']' calling item for each.
func (s *coordScanner) list(item func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return fmt.Errorf("%w: want ',' or ']' at byte %d", errCoords, s.i)
		}
	}
}

// position parses [x, y, ...]: the first two numbers are kept; n counts them.
func (s *coordScanner) position() (orb.Point, int, error) {
	var p orb.Point
	n := 0
	err := s.list(func() error {
		v, err := s.number()
		if err != nil {
			return err
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: a coordinate is not finite", errCoords)
		}
		if n < 2 {
			p[n] = v
		}
		n++
		return nil
	})
	return p, n, err
}

func (s *coordScanner) positions() ([]orb.Point, error) {
	s.pts = s.pts[:0]
	err := s.list(func() error {
		p, n, err := s.position()
		if err == nil && n < 2 {
			err = fmt.Errorf("%w: position %d has %d numbers, want 2 or 3", errCoords, len(s.pts), n)
		}
		s.pts = append(s.pts, p)
		return err
	})
	if len(s.pts) == 0 {
		return nil, err
	}
	return slices.Clone(s.pts), err
}

func (s *coordScanner) rings() ([][]orb.Point, error) {
	var out [][]orb.Point
	err := s.list(func() error {
		ps, err := s.positions()
		out = append(out, ps)
		return err
	})
	return out, err
}

func (s *coordScanner) polygons() ([][][]orb.Point, error) {
	var out [][][]orb.Point
	err := s.list(func() error {
		rs, err := s.rings()
		out = append(out, rs)
		return err
	})
	return out, err
}

// end checks nothing follows the coordinates.
func (s *coordScanner) end() error {
	if s.peek() != 0 {
		return fmt.Errorf("%w: unexpected byte %d", errCoords, s.i)
	}
	return nil
}

// scanCoords runs parse over raw and checks the end.
func scanCoords[T any](raw []byte, parse func(*coordScanner) (T, error)) (T, error) {
	s := scanners.Get().(*coordScanner)
	defer scanners.Put(s)
	s.b, s.i = raw, 0
	v, err := parse(s)
	if err == nil {
		err = s.end()
	}
	s.b = nil
	return v, err
}

// scanners keeps coordScanners, and so their scratch, across geometries.
var scanners = sync.Pool{New: func() any { return new(coordScanner) }}
