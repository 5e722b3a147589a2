package layers

import "lantu/layers/crs"

// checkCRS records, once the index is built, whether the layer's extent
// lies outside the valid area of the CRS it declares (crs.CheckExtent).
func (l *Layer) checkCRS() {
	if l.indexed() == 0 || l.SRID <= 0 {
		return
	}
	err := crs.CheckExtent(l.SRID, l.Extent())
	if err == nil {
		return
	}
	l.mu.Lock()
	l.crsErr = err
	l.mu.Unlock()
}
