package editor

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers/crs"
)

// ParseCoord reads a typed corner: "x,y" in the blueprint's projected
// metres (EPSG:4550 in the demo), or "lon,lat" in degrees (CGCS2000),
// told apart by range; commas (also full-width), semicolons or spaces
// separate them. toMap transforms CGCS2000 lon/lat into map coordinates;
// with nil only metres are accepted. The error wraps ErrGeometry.
func ParseCoord(s string, toMap *crs.Transformer) (orb.Point, error) {
	fields := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == ' ' || r == '\t'
	})
	if len(fields) != 2 {
		return orb.Point{}, fmt.Errorf("%w: %s: %q", ErrGeometry, i18n.T("edit.err.coord_form"), s)
	}
	var v [2]float64
	for i, f := range fields {
		x, err := strconv.ParseFloat(strings.TrimSuffix(f, "°"), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return orb.Point{}, fmt.Errorf("%w: %s: %q", ErrGeometry, i18n.T("edit.err.coord_form"), s)
		}
		v[i] = x
	}
	if math.Abs(v[0]) > 180 || math.Abs(v[1]) > 90 {
		return orb.Point{v[0], v[1]}, nil
	}
	if toMap == nil {
		return orb.Point{}, fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.no_lonlat"))
	}
	p, err := toMap.Point(orb.Point{v[0], v[1]})
	if err != nil {
		return orb.Point{}, fmt.Errorf("%w: %s: %v", ErrGeometry, i18n.T("edit.err.coord_form"), err)
	}
	return p, nil
}
