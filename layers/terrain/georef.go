package terrain

import (
	"math"
	"slices"
	"strconv"
)

// GeoKey ids.
const (
	keyModelType      = 1024
	keyRasterType     = 1025
	keyGeographicType = 2048
	keyProjectedType  = 3072
)

// GeoKeys is a GeoTIFF's georeferencing key directory (tag 34735) with the
// double (tag 34736) and ASCII (tag 34737) parameters its keys point to,
// kept verbatim so that a raster derived from the file names exactly the
// same CRS, whether or not that CRS is an EPSG code. A plain value: safe
// for concurrent reads; do not modify one shared between grids.
type GeoKeys struct {
	Directory []uint16  // header (version, revision, minor, count) and 4 shorts per key
	Doubles   []float64 // GeoDoubleParams
	ASCII     string    // GeoAsciiParams, with its '|' separators and NULs
}

// DefinesCRS reports whether the keys name a model (projected, geographic
// or geocentric) or any CRS key, beyond the raster type alone.
func (k *GeoKeys) DefinesCRS() bool {
	if k == nil {
		return false
	}
	for i := 4; i+3 < len(k.Directory); i += 4 {
		if id := k.Directory[i]; id >= keyGeographicType || (id == keyModelType && k.Directory[i+3] != 0) {
			return true
		}
	}
	return false
}

// forArea returns a copy whose RasterType key says PixelIsArea, as the
// writer's tiepoint does.
func (k *GeoKeys) forArea() *GeoKeys {
	out := &GeoKeys{Directory: slices.Clone(k.Directory), Doubles: k.Doubles, ASCII: k.ASCII}
	for i := 4; i+3 < len(out.Directory); i += 4 {
		if out.Directory[i] == keyRasterType && out.Directory[i+1] == 0 {
			out.Directory[i+3] = 1
		}
	}
	return out
}

// check validates the directory header and that every key's value lies
// inside the tag it points to; it returns the tag at fault (0 when fine)
// and what is wrong.
func (k *GeoKeys) check() (uint16, string) {
	d := k.Directory
	if len(d) < 4 || d[0] != 1 {
		return tagGeoKeys, "no GeoKey directory header (version 1)"
	}
	n := int(d[3])
	if 4+4*n > len(d) {
		return tagGeoKeys, "directory claims more keys than it holds"
	}
	for i := 0; i < n; i++ {
		e := d[4+4*i : 8+4*i]
		id, loc, count, off := e[0], int(e[1]), int(e[2]), int(e[3])
		var size int
		switch loc {
		case 0:
			if count != 1 {
				return tagGeoKeys, "inline GeoKey " + strconv.Itoa(int(id)) + " with count " + strconv.Itoa(count)
			}
			continue
		case tagGeoKeys:
			size = len(d)
		case tagGeoDoubles:
			size = len(k.Doubles)
		case tagGeoASCII:
			size = len(k.ASCII)
		default:
			return tagGeoKeys, "GeoKey " + strconv.Itoa(int(id)) + " points to tag " + strconv.Itoa(loc)
		}
		if off+count > size {
			return uint16(loc), "GeoKey " + strconv.Itoa(int(id)) + " points past the end of the tag"
		}
	}
	return 0, ""
}

// georef fills the geotransform, EPSG code and GeoKeys from the GeoTIFF
// tags, as GDAL does: PixelIsPoint shifts the origin by half a cell.
func (t *tiffFile) georef(g *Grid) error {
	keys, err := t.readGeoKeys()
	if err != nil {
		return err
	}
	g.GeoKeys = keys
	short := shortKeys(keys)
	if v, ok := short[keyProjectedType]; ok && v > 0 && v < 32767 {
		g.EPSG = v
	} else if v, ok := short[keyGeographicType]; ok && v > 0 && v < 32767 {
		g.EPSG = v
	}
	g.GeoTransform = [6]float64{0, 1, 0, 0, 0, 1}
	if ok, err := t.transform(g); err != nil || !ok {
		return err
	}
	if short[keyRasterType] == 2 {
		gt := &g.GeoTransform
		gt[0] -= 0.5 * gt[1]
		gt[3] -= 0.5 * gt[5]
	}
	for _, v := range g.GeoTransform {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return t.errf("non-finite georeferencing")
		}
	}
	return nil
}

// transform sets g's geotransform from ModelTransformation or tiepoint and
// pixel scale; ok is false when the file has neither.
func (t *tiffFile) transform(g *Grid) (bool, error) {
	if m, ok := t.tags[tagTransformation]; ok && len(m.nums) >= 16 {
		n := m.nums
		if n[1] != 0 || n[4] != 0 {
			return false, t.unsupported("rotated ModelTransformation tag 34264")
		}
		if !usable(n[0]) || !usable(n[5]) {
			return false, t.errf("ModelTransformation tag 34264 has pixel size %v x %v", n[0], n[5])
		}
		g.GeoTransform = [6]float64{n[3], n[0], 0, n[7], 0, n[5]}
		return true, nil
	}
	tp, ok := t.tags[tagTiepoint]
	if !ok || len(tp.nums) < 6 {
		return false, nil
	}
	sc, ok := t.tags[tagPixelScale]
	if !ok || len(sc.nums) < 2 {
		if len(tp.nums) > 6 {
			return false, t.unsupported("GCP tiepoints (tag 33922 with %d values) without pixel scale", len(tp.nums))
		}
		return false, t.errf("ModelTiepoint tag 33922 without ModelPixelScale tag 33550")
	}
	n, s := tp.nums, sc.nums
	if !usable(s[0]) || !usable(s[1]) {
		return false, t.errf("ModelPixelScale tag 33550 is %v x %v (want finite, non-zero)", s[0], s[1])
	}
	g.GeoTransform = [6]float64{n[3] - n[0]*s[0], s[0], 0, n[4] + n[1]*s[1], 0, -s[1]}
	return true, nil
}

// usable reports whether a pixel size is finite and non-zero.
func usable(v float64) bool { return v != 0 && !math.IsNaN(v) && !math.IsInf(v, 0) }

// readGeoKeys returns the GeoKey directory and its parameters (nil when the
// file has no directory), refusing one whose keys point outside their tags.
func (t *tiffFile) readGeoKeys() (*GeoKeys, error) {
	d, ok := t.tags[tagGeoKeys]
	if !ok {
		return nil, nil
	}
	k := &GeoKeys{Directory: make([]uint16, len(d.nums)), ASCII: t.tags[tagGeoASCII].text}
	for i, v := range d.nums {
		k.Directory[i] = uint16(v)
	}
	if dd, ok := t.tags[tagGeoDoubles]; ok {
		k.Doubles = dd.nums
	}
	if tag, msg := k.check(); tag != 0 {
		return nil, t.errf("GeoKey tag %d: %s", tag, msg)
	}
	return k, nil
}

// shortKeys returns the inline (SHORT-valued) keys of k.
func shortKeys(k *GeoKeys) map[int]int {
	out := map[int]int{}
	if k == nil {
		return out
	}
	for i := 4; i+3 < len(k.Directory); i += 4 {
		if e := k.Directory[i : i+4]; e[1] == 0 && e[2] == 1 {
			out[int(e[0])] = int(e[3])
		}
	}
	return out
}
