package layout

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// DistrictLayer is the layer of the administrative districts (xzqdm).
const DistrictLayer = "XZ_QXXZQ"

// DistrictBound is the box of the district whose xzqdm is code, read
// through the district layer's GeoPackage R-tree (a layer without one is
// an error).
func DistrictBound(ctx context.Context, bp *layers.Blueprint, code string) (orb.Bound, error) {
	l := bp.Layer(DistrictLayer)
	if l == nil {
		return orb.Bound{}, fmt.Errorf("%w: %s has no district layer %s", ErrSheet, bp.Path(), DistrictLayer)
	}
	if !l.HasRTree && l.Extent() == (orb.Bound{}) { // Lantu's empty tables get their R-tree with the first feature
		return orb.Bound{}, fmt.Errorf("%w: %s: no district with xzqdm %q in %s (it is empty)", ErrSheet, bp.Path(), code, DistrictLayer)
	}
	if !l.HasRTree {
		return orb.Bound{}, fmt.Errorf("%w: %s: table %q has no R-tree to find district %q in", ErrSheet, bp.Path(), l.Table, code)
	}
	rt := gpkg.QuoteIdent("rtree_" + l.Table + "_" + l.GeomColumn)
	q := "SELECT min(r.minx), min(r.miny), max(r.maxx), max(r.maxy) FROM " + rt + " r JOIN " +
		gpkg.QuoteIdent(l.Table) + " t ON t." + gpkg.QuoteIdent(l.PK) + " = r.id WHERE t.xzqdm = ?"
	var b [4]sql.NullFloat64
	err := bp.DB().R.QueryRowContext(ctx, q, strings.TrimSpace(code)).Scan(&b[0], &b[1], &b[2], &b[3])
	if err != nil {
		return orb.Bound{}, fmt.Errorf("layout: %s: district %q: %w", bp.Path(), code, err)
	}
	if !b[0].Valid {
		return orb.Bound{}, fmt.Errorf("%w: %s: no district with xzqdm %q in %s", ErrSheet, bp.Path(), code, DistrictLayer)
	}
	return orb.Bound{Min: orb.Point{b[0].Float64, b[1].Float64}, Max: orb.Point{b[2].Float64, b[3].Float64}}, nil
}
