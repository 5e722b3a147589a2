package layers

import (
	"errors"

	"github.com/paulmach/orb"

	"lantu/layers/crs"
)

// checkCRS records, once the index is built, whether the layer's extent
// lies outside the valid area of the CRS it declares, or far from its area
// of use (crs.CheckExtent).
func (l *Layer) checkCRS() {
	if l.indexed() == 0 || l.SRID <= 0 {
		return
	}
	l.recordCRS(l.Extent())
}

// recordCRS records what crs.CheckExtent says of extent.
func (l *Layer) recordCRS(extent orb.Bound) {
	err := crs.CheckExtent(l.SRID, extent)
	if err == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if errors.Is(err, crs.ErrOutside) {
		l.crsErr = err
	} else {
		l.areaWarn = err
	}
}
