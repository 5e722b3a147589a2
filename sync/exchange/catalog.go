package exchange

import (
	"context"

	"lantu/layers/catalog"
)

// RoleReview is the collection role the bureau writes.
const RoleReview = "review"

// ReviewCollection is the built-in collection of review decisions: the
// bureau's verdict on a proposal, an approval or a conflict patch, named by
// target collection and uid. Its geometry is optional (a review may mark
// the area it speaks of). It is writable by bureau and admin.
var ReviewCollection = Collection{
	ID: "lantu_reviews", Code: "LANTU_REVIEWS", Title: "审查意见", Description: "Review decisions",
	Source: "server", Role: RoleReview,
	Fields: []Field{
		{Name: "target_collection", Type: "text"}, {Name: "target_uid", Type: "text"},
		{Name: "decision", Type: "text"}, {Name: "comment", Type: "text"},
		{Name: "reviewer", Type: "text"}, {Name: "xzqdm", Type: "text"},
	},
}

// DistrictCollection is the table of the district polygons district
// tokens are confined to, and its code field.
const (
	DistrictCollection = "xz_qxxzq"
	DistrictCodeField  = "xzqdm"
)

// catalogCollection describes a vector catalog layer as a collection.
func catalogCollection(l *catalog.Layer, srid int) Collection {
	c := Collection{ID: l.Table, Code: l.Code, Title: l.NameZh, Description: l.NameEn,
		Geometry: l.Geometry, SRID: srid, Source: l.Source, Role: l.Role}
	for _, f := range l.Fields {
		c.Fields = append(c.Fields, Field{Name: f.Name, Type: f.Type})
	}
	return c
}

// EnsureCatalog creates (or describes again) a collection for every vector
// layer of the catalog (nil: the embedded one) and the review collection,
// all stored in srid. A collection that already holds features keeps its
// SRID.
func EnsureCatalog(ctx context.Context, s Store, cat *catalog.Catalog, srid int) error {
	if cat == nil {
		var err error
		if cat, err = catalog.Default(); err != nil {
			return err
		}
	}
	return s.Update(ctx, func(tx Tx) error {
		for _, l := range cat.Layers {
			if l.Geometry == "raster" {
				continue
			}
			if err := tx.PutCollection(ctx, catalogCollection(l, srid)); err != nil {
				return err
			}
		}
		rc := ReviewCollection
		rc.SRID = srid
		return tx.PutCollection(ctx, rc)
	})
}
