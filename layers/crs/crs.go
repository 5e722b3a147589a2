// Package crs answers coordinate reference system questions with PROJ: the WKT
// definition of an EPSG code, and transformations between two codes.
//
// cgo stays in this package; callers see Go types and errors.
package crs

/*
#cgo pkg-config: proj
#include <stdlib.h>
#include <proj.h>

static int lantu_area(PJ_CONTEXT *ctx, PJ *pj, double *b) {
	return proj_get_area_of_use(ctx, pj, &b[0], &b[1], &b[2], &b[3], NULL);
}

static const char *lantu_wkt(PJ_CONTEXT *ctx, PJ *pj, int wkt2) {
	const char *opts[] = {"MULTILINE=NO", NULL};
	return proj_as_wkt(ctx, pj, wkt2 ? PJ_WKT2_2019 : PJ_WKT1_GDAL, opts);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

// ErrUnknown is returned for an EPSG code PROJ does not know.
var ErrUnknown = errors.New("crs: unknown coordinate reference system")

// Common codes used by the blueprint.
const (
	WGS84      = 4326 // geographic WGS 84
	CGCS2000   = 4490 // geographic CGCS2000
	CGCS2000GK = 4550 // CGCS2000 / 3-degree Gauss-Kruger CM 123E
)

// Definition describes one CRS as PROJ knows it.
type Definition struct {
	EPSG       int
	Name       string
	WKT        string // WKT1 (GDAL flavour), as GeoPackage's definition column wants
	WKT2       string // WKT2:2019
	Geographic bool
	// Area is the CRS's area of use as PROJ gives it: west, south, east,
	// north in degrees of longitude and latitude (east < west when it
	// crosses the antimeridian). HasArea is false when PROJ knows none.
	Area    [4]float64
	HasArea bool
}

var (
	defMu    sync.Mutex
	defCache = map[int]Definition{}
)

// Lookup returns PROJ's definition of an EPSG code. It is safe for concurrent use.
func Lookup(epsg int) (Definition, error) {
	defMu.Lock()
	defer defMu.Unlock()
	if d, ok := defCache[epsg]; ok {
		return d, nil
	}
	if epsg <= 0 {
		return Definition{}, fmt.Errorf("%w: EPSG:%d", ErrUnknown, epsg)
	}
	ctx := C.proj_context_create()
	defer C.proj_context_destroy(ctx)
	C.proj_log_level(ctx, C.PJ_LOG_NONE)
	code := C.CString(fmt.Sprintf("EPSG:%d", epsg))
	defer C.free(unsafe.Pointer(code))
	pj := C.proj_create(ctx, code)
	if pj == nil {
		return Definition{}, fmt.Errorf("%w: EPSG:%d", ErrUnknown, epsg)
	}
	defer C.proj_destroy(pj)
	if C.proj_is_crs(pj) == 0 {
		return Definition{}, fmt.Errorf("%w: EPSG:%d is not a CRS", ErrUnknown, epsg)
	}
	d := Definition{EPSG: epsg}
	if n := C.proj_get_name(pj); n != nil {
		d.Name = C.GoString(n)
	}
	if w := C.lantu_wkt(ctx, pj, 0); w != nil {
		d.WKT = C.GoString(w)
	}
	if w := C.lantu_wkt(ctx, pj, 1); w != nil {
		d.WKT2 = C.GoString(w)
	}
	var area [4]C.double
	if C.lantu_area(ctx, pj, &area[0]) != 0 && area[0] > -1000 {
		d.Area = [4]float64{float64(area[0]), float64(area[1]), float64(area[2]), float64(area[3])}
		d.HasArea = true
	}
	t := C.proj_get_type(pj)
	d.Geographic = t == C.PJ_TYPE_GEOGRAPHIC_2D_CRS || t == C.PJ_TYPE_GEOGRAPHIC_3D_CRS
	if d.WKT == "" && d.WKT2 == "" {
		return Definition{}, fmt.Errorf("%w: EPSG:%d has no WKT", ErrUnknown, epsg)
	}
	defCache[epsg] = d
	return d, nil
}
