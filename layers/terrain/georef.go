package terrain

import "math"

// GeoKey ids.
const (
	keyModelType      = 1024
	keyRasterType     = 1025
	keyGeographicType = 2048
	keyProjectedType  = 3072
)

// georef fills the geotransform and EPSG code from the GeoTIFF tags, as GDAL
// does: PixelIsPoint shifts the origin by half a cell.
func (t *tiffFile) georef(g *Grid) error {
	keys := t.geoKeys()
	if v, ok := keys[keyProjectedType]; ok && v > 0 && v < 32767 {
		g.EPSG = v
	} else if v, ok := keys[keyGeographicType]; ok && v > 0 && v < 32767 {
		g.EPSG = v
	}
	g.GeoTransform = [6]float64{0, 1, 0, 0, 0, 1}
	if m, ok := t.tags[tagTransformation]; ok && len(m.nums) >= 16 {
		n := m.nums
		if n[1] != 0 || n[4] != 0 {
			return t.unsupported("rotated ModelTransformation tag 34264")
		}
		g.GeoTransform = [6]float64{n[3], n[0], 0, n[7], 0, n[5]}
	} else if tp, ok := t.tags[tagTiepoint]; ok && len(tp.nums) >= 6 {
		sc, ok := t.tags[tagPixelScale]
		if !ok || len(sc.nums) < 2 {
			if len(tp.nums) > 6 {
				return t.unsupported("GCP tiepoints (tag 33922 with %d values) without pixel scale", len(tp.nums))
			}
			return t.errf("ModelTiepoint tag 33922 without ModelPixelScale tag 33550")
		}
		n, s := tp.nums, sc.nums
		g.GeoTransform = [6]float64{n[3] - n[0]*s[0], s[0], 0, n[4] + n[1]*s[1], 0, -s[1]}
	} else {
		return nil
	}
	if keys[keyRasterType] == 2 {
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

// geoKeys returns the SHORT-valued keys of the GeoKeyDirectory.
func (t *tiffFile) geoKeys() map[int]int {
	out := map[int]int{}
	d, ok := t.tags[tagGeoKeys]
	if !ok || len(d.nums) < 4 {
		return out
	}
	n := int(d.nums[3])
	for i := 0; i < n && 4+4*i+3 < len(d.nums); i++ {
		k := d.nums[4+4*i:]
		if k[1] == 0 && k[2] == 1 {
			out[int(k[0])] = int(k[3])
		}
	}
	return out
}
