package wire

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// coordScanner parses GeoJSON coordinate arrays straight into orb points,
// without reflection: a feed page holds millions of numbers. Not safe for
// concurrent use.
type coordScanner struct {
	b []byte
	i int
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
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil || start == s.i {
		return 0, fmt.Errorf("%w: a number at byte %d", errCoords, start)
	}
	return v, nil
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
	var out []orb.Point
	err := s.list(func() error {
		p, n, err := s.position()
		if err == nil && n < 2 {
			err = fmt.Errorf("%w: position %d has %d numbers, want 2 or 3", errCoords, len(out), n)
		}
		out = append(out, p)
		return err
	})
	return out, err
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
	s := &coordScanner{b: raw}
	v, err := parse(s)
	if err == nil {
		err = s.end()
	}
	return v, err
}
