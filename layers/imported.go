package layers

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"lantu/layers/catalog"
	"lantu/layers/gpkg"
	"lantu/layers/layerstyle"
)

// ImportedField is one attribute column of a new imported layer. A plain
// value.
type ImportedField struct {
	Name string
	Type string // text | integer | real | date (as catalog fields)
}

// CreateImportedLayer adds a new empty feature table that the catalog does
// not know: fid, geom, the blueprint's system columns (uid, version,
// updated_at, updated_by, so the Edit API and Bulk accept it) and fields,
// registered in gpkg_contents and gpkg_geometry_columns in the blueprint's
// SRID so that GDAL and QGIS open it. geomType is a GeoPackage geometry type
// name (MULTIPOLYGON, MULTILINESTRING, POINT, GEOMETRY...). It fails if a
// layer of that name exists or a field repeats a system column. The new
// layer is returned indexed and empty, in the "Imported" group.
//
// It writes under the writer lock, as Apply and Bulk do (announcing no
// change: the layer is empty), but it changes the blueprint's layer
// list: do not call it while other goroutines use Layers or Layer.
func (b *Blueprint) CreateImportedLayer(ctx context.Context, table, geomType string, fields []ImportedField) (*Layer, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	if err := b.WaitLoaded(ctx); err != nil {
		return nil, err
	}
	spec, err := b.importedSpec(table, geomType, fields)
	if err != nil {
		return nil, err
	}
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	tx, err := b.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := b.db.CreateTable(ctx, tx, spec); err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("layers: %s: commit: %w", b.path, err)
	}
	return b.addImported(ctx, table)
}

// importedSpec checks the name and fields and builds the table spec.
func (b *Blueprint) importedSpec(table, geomType string, fields []ImportedField) (gpkg.TableSpec, error) {
	if strings.TrimSpace(table) == "" || strings.HasPrefix(strings.ToLower(table), "lantu_") || strings.HasPrefix(strings.ToLower(table), "gpkg") {
		return gpkg.TableSpec{}, fmt.Errorf("%w: layer name %q is empty or reserved", ErrInvalidInput, table)
	}
	if b.byKey[table] != nil || b.cat.Layer(table) != nil {
		return gpkg.TableSpec{}, fmt.Errorf("%w: a layer %q exists in %s", ErrInvalidInput, table, b.path)
	}
	cols := append([]gpkg.Column(nil), systemColumns...)
	seen := map[string]bool{"fid": true, "geom": true}
	for _, c := range systemColumns {
		seen[c.Name] = true
	}
	for _, f := range fields {
		t, ok := sqlTypes[f.Type]
		if !ok {
			return gpkg.TableSpec{}, fmt.Errorf("%w: layer %q field %q: type %q", ErrInvalidInput, table, f.Name, f.Type)
		}
		if seen[strings.ToLower(f.Name)] || f.Name == "" {
			return gpkg.TableSpec{}, fmt.Errorf("%w: layer %q: field %q is empty, repeated or reserved", ErrInvalidInput, table, f.Name)
		}
		seen[strings.ToLower(f.Name)] = true
		cols = append(cols, gpkg.Column{Name: f.Name, Type: t})
	}
	return gpkg.TableSpec{Table: table, Identifier: table, Description: "imported",
		GeomColumn: "geom", GeomType: strings.ToUpper(geomType), SRSID: b.srid, Columns: cols}, nil
}

// addImported reads the new table's metadata and publishes it as a layer.
func (b *Blueprint) addImported(ctx context.Context, table string) (*Layer, error) {
	infos, err := b.db.Layers(ctx)
	if err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	for _, info := range infos {
		if info.Table != table {
			continue
		}
		l := newLayer(info)
		l.Code, l.Imported = table, true
		styles, _ := layerstyle.ReadDefaults(ctx, b.db.R) // an unreadable layer_styles was listed at Open
		l.Def = b.importedDef(info, styles)
		if err := l.load(ctx, b.db.R); err != nil {
			return nil, fmt.Errorf("layers: %s: table %q: %w", b.path, table, err)
		}
		close(l.ready)
		byKey := maps.Clone(b.byKey)
		byKey[table] = l
		b.layers = append(append([]*Layer(nil), b.layers...), l)
		b.byKey = byKey
		return l, nil
	}
	return nil, fmt.Errorf("layers: %s: table %q not listed after creation", b.path, table)
}

// readStyles reads the default style of each table from layer_styles (see
// lantu/layers/layerstyle); a layer_styles that cannot be read is listed as
// a StyleUnused problem and gives none.
func (b *Blueprint) readStyles(ctx context.Context) map[string]layerstyle.Record {
	styles, err := layerstyle.ReadDefaults(ctx, b.db.R)
	if err != nil {
		b.addProblem(Problem{Kind: StyleUnused, Table: "layer_styles", Err: fmt.Errorf("layers: %s: %w", b.path, err)})
	}
	return styles
}

// importedDef is the definition of a table the catalog does not know: its
// default style from layer_styles when it has one Lantu reads, else the
// catalog's generic style (and a StyleUnused problem when it has one that
// Lantu cannot read).
func (b *Blueprint) importedDef(info gpkg.LayerInfo, styles map[string]layerstyle.Record) *catalog.Layer {
	def := catalog.DefaultLayer(info.Table, info.GeomType)
	rec, ok := styles[strings.ToLower(info.Table)]
	if !ok {
		return def
	}
	cols := make([]string, len(info.Columns))
	for i, c := range info.Columns {
		cols[i] = c.Name
	}
	styled, err := layerstyle.Apply(def, rec, cols)
	if err != nil {
		b.addProblem(Problem{Kind: StyleUnused, Table: info.Table, Err: fmt.Errorf("layers: %s: %w", b.path, err)})
		return def
	}
	return styled
}
