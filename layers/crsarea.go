package layers

import (
	"fmt"

	"lantu/layers/crs"
)

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
	l.crsErr = fmt.Errorf("%w: layer %s declares EPSG:%d: %w", ErrOutsideCRS, l.Table, l.SRID, err)
	l.mu.Unlock()
}
