// Package conflict finds conflicts between planning layers: it reads rules
// from TOML, overlays the layers they name, and stores the resulting
// patches (图斑) with their review state in the blueprint.
//
// Pairs of simple polygons are intersected in Go (convex.go when one is
// convex, clip.go otherwise; "A inside B" is A itself, unclipped), B's
// holes too (holes.go), their validity checked and B's boxes indexed in Go
// once per rule on all workers (prep.go); a feature meets GEOS only when
// one of its pairs needs it: degenerate pairs, holes on A or crossing A,
// invalid input and the within and setback kinds. Large layers are read in
// parallel fid ranges (source.go). BenchmarkOverlayCompute times the five
// overlays of the workload in memory, without load or store. A first run into an empty table is stored as a bulk load
// (store_bulk.go: multi-row inserts, the R-tree written from the patch
// boxes with its triggers suspended). BenchmarkPeerOverlay times the whole
// `lantuctl check` process against PostGIS on the generated overlay
// workload (LANTU_BENCH_SCALE=small|city).
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
