// Package conflict finds conflicts between planning layers: it reads rules
// from TOML, overlays the layers they name with GEOS, and stores the
// resulting patches (图斑) with their review state in the blueprint.
package conflict

import "errors"

// Sentinel errors; each is wrapped with the file, rule, layer or fid involved.
var (
	ErrWhere    = errors.New("conflict: bad where filter")
	ErrRule     = errors.New("conflict: invalid rule")
	ErrGeometry = errors.New("conflict: bad geometry")
	ErrStatus   = errors.New("conflict: bad review status")
	ErrNoPatch  = errors.New("conflict: no such patch")
	ErrExport   = errors.New("conflict: cannot export")
	ErrCRS      = errors.New("conflict: layer in another CRS")
)
