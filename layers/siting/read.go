package siting

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// nearby streams the features of l whose boxes meet box and that satisfy
// where (SQL; "" for all), like a layers.Query with a BBox. A layer whose
// in-memory index is built is asked through it; one not yet indexed (a
// blueprint opened Lazy, or Background while it builds) through the
// GeoPackage's R-tree, so that a review reads only the area around the
// proposal instead of waiting for every layer of the blueprint to be
// indexed. A table without an R-tree (an empty Lantu table, a view) is
// scanned and its features outside box dropped.
func (s *site) nearby(ctx context.Context, l *layers.Layer, box orb.Bound, where string, fn func(*layers.Feature) error) error {
	if l.Indexed() || l.GeomColumn == "" {
		return s.bp.Query(ctx, layers.Query{Layers: []string{l.Table}, BBox: box, Where: where}, fn)
	}
	fids, err := fileFIDs(ctx, s.bp, l, box, where)
	if err != nil {
		return err
	}
	for _, fid := range fids {
		f, err := s.bp.Feature(ctx, l.Table, fid)
		if err != nil {
			return err
		}
		if f.Geom == nil || !f.Geom.Bound().Intersects(box) {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// fileFIDs lists, in fid order, the fids of l's rows that satisfy where
// and, when l has an R-tree, whose R-tree boxes meet box.
func fileFIDs(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, box orb.Bound, where string) ([]int64, error) {
	pk, t := gpkg.QuoteIdent(l.PK), gpkg.QuoteIdent(l.Table)
	q := "SELECT " + pk + " FROM " + t + " WHERE 1"
	var args []any
	if l.HasRTree {
		rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
		q += " AND " + pk + " IN (SELECT id FROM " + rt + " WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)"
		args = []any{box.Max[0], box.Min[0], box.Max[1], box.Min[1]}
	}
	if strings.TrimSpace(where) != "" {
		q += " AND (" + where + ")"
	}
	q += " ORDER BY " + pk
	var fids []int64
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var fid int64
			if err := rows.Scan(&fid); err != nil {
				return err
			}
			fids = append(fids, fid)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("siting: %s: table %q: %w", bp.Path(), l.Table, err)
	}
	return fids, nil
}
