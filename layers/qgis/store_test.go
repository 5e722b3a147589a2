package qgis

import (
	"context"
	"database/sql"
	"errors"
	"image/color"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// newBlueprint creates an empty blueprint named plan.gpkg.
func newBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "plan.gpkg"), layers.CreateOptions{User: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

// query reads rows of strings from bp.
func query(t *testing.T, bp *layers.Blueprint, q string, args ...any) [][]string {
	t.Helper()
	var out [][]string
	err := bp.Read(context.Background(), func(tx *sql.Tx) error {
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			row := make([]string, len(cols))
			for i, v := range vals {
				row[i] = v.String
				if !v.Valid {
					row[i] = "NULL"
				}
			}
			out = append(out, row)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func joinRows(rows [][]string) string {
	var s []string
	for _, r := range rows {
		s = append(s, strings.Join(r, " "))
	}
	return strings.Join(s, "; ")
}

// TestWriteMakesTheTablesAsQGIS: layer_styles has the columns GDAL gives
// it when QGIS saves a style (dumped from QGIS 3.22 with GDAL 3.6) and is
// an attributes table of gpkg_contents; qgis_projects has QGIS's columns;
// every vector layer has one default row and the project is named after
// the file.
func TestWriteMakesTheTablesAsQGIS(t *testing.T) {
	bp := newBlueprint(t)
	if err := Write(context.Background(), bp); err != nil {
		t.Fatal(err)
	}
	cols := joinRows(query(t, bp, `SELECT name, type, "notnull", pk FROM pragma_table_info('layer_styles')`))
	want := "id INTEGER 1 1; f_table_catalog TEXT(256) 0 0; f_table_schema TEXT(256) 0 0; f_table_name TEXT(256) 0 0; " +
		"f_geometry_column TEXT(256) 0 0; styleName TEXT(30) 0 0; styleQML TEXT 0 0; styleSLD TEXT 0 0; useAsDefault BOOLEAN 0 0; " +
		"description TEXT 0 0; owner TEXT(30) 0 0; ui TEXT(30) 0 0; update_time DATETIME 0 0"
	if cols != want {
		t.Errorf("layer_styles columns\n%s\nwant\n%s", cols, want)
	}
	if got := joinRows(query(t, bp, `SELECT data_type, identifier FROM gpkg_contents WHERE table_name = 'layer_styles'`)); got != "attributes layer_styles" {
		t.Errorf("gpkg_contents row of layer_styles: %q", got)
	}
	if got := joinRows(query(t, bp, `SELECT name, type, pk FROM pragma_table_info('qgis_projects')`)); got != "name TEXT 1; metadata BLOB 0; content BLOB 0" {
		t.Errorf("qgis_projects columns: %q", got)
	}
	if got := joinRows(query(t, bp, `SELECT count(*), count(DISTINCT f_table_name), sum(useAsDefault) FROM layer_styles`)); got != "186 186 186" {
		t.Errorf("rows, tables, defaults: %s, want 186 of each", got)
	}
	p := query(t, bp, `SELECT name, content FROM qgis_projects`)
	if len(p) != 1 || p[0][0] != "plan" {
		t.Fatalf("projects %v, want one named plan", len(p))
	}
	qgs, err := ReadQGS([]byte(p[0][1]))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(qgs, "<maplayer "); n != 186 {
		t.Errorf("%d map layers in the project, want 186", n)
	}
	if !strings.Contains(qgs, "<datasource>./plan.gpkg|layername=xz_dltb</datasource>") {
		t.Error("the project does not reference xz_dltb relative to its file")
	}
}

// TestWriteKeepsForeignStyles: a default style saved by QGIS stays in the
// table, no longer the default; rewriting leaves one Lantu row per layer.
func TestWriteKeepsForeignStyles(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t)
	if err := Write(ctx, bp); err != nil {
		t.Fatal(err)
	}
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO layer_styles (f_table_name, f_geometry_column, styleName, styleQML, useAsDefault) VALUES ('xz_dltb', 'geom', 'mine', '<qgis/>', 1)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(ctx, bp); err != nil {
		t.Fatal(err)
	}
	got := joinRows(query(t, bp, `SELECT styleName, CAST(useAsDefault AS INTEGER) FROM layer_styles WHERE f_table_name = 'xz_dltb' ORDER BY id`))
	if got != "mine 0; "+StyleName+" 1" {
		t.Errorf("xz_dltb rows: %s", got)
	}
}

// TestWriteLayerStyleRoundTrip: a style changed in Lantu changes the
// layer's QML, SLD and its layer in the project, and nothing else; Update
// keeps the edited row and rewrites a row written from another catalog.
func TestWriteLayerStyleRoundTrip(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t)
	if err := Write(ctx, bp); err != nil {
		t.Fatal(err)
	}
	before := query(t, bp, `SELECT styleQML FROM layer_styles WHERE f_table_name = 'gh_ghydyh'`)[0][0]
	st := bp.Catalog().Layer("XZ_SM").Style
	st.Fill, st.Opacity = color.NRGBA{0x12, 0x34, 0x56, 0xff}, 1
	if err := WriteLayerStyle(ctx, bp, "XZ_SM", st); err != nil {
		t.Fatal(err)
	}
	row := query(t, bp, `SELECT styleQML, styleSLD, description FROM layer_styles WHERE f_table_name = 'xz_sm' AND useAsDefault`)
	if len(row) != 1 || !strings.Contains(row[0][0], `v="18,52,86,255"`) || !strings.Contains(row[0][1], "#123456") ||
		strings.Contains(row[0][0], "categorizedSymbol") || strings.Contains(row[0][2], catalogMark) {
		t.Fatalf("xz_sm's default row after the edit does not carry the new fill in QML and SLD")
	}
	if after := query(t, bp, `SELECT styleQML FROM layer_styles WHERE f_table_name = 'gh_ghydyh'`)[0][0]; after != before {
		t.Error("editing xz_sm changed gh_ghydyh's style")
	}
	qgs, err := ReadQGS([]byte(query(t, bp, `SELECT content FROM qgis_projects`)[0][0]))
	if err != nil {
		t.Fatal(err)
	}
	dltb, ydyh := mapLayer(t, qgs, "xz_sm_blueprint"), mapLayer(t, qgs, "gh_ghydyh_blueprint")
	if !strings.Contains(dltb, `type="singleSymbol"`) || !strings.Contains(dltb, `v="18,52,86,255"`) || strings.Count(dltb, "<renderer-v2") != 1 {
		t.Error("the project's xz_sm does not have the edited style (once)")
	}
	if !strings.Contains(ydyh, `type="categorizedSymbol"`) {
		t.Error("the project's gh_ghydyh lost its categories")
	}
	if wrote, err := Update(ctx, bp); err != nil || wrote {
		t.Fatalf("Update on an up-to-date blueprint: wrote %v, %v", wrote, err)
	}
	err = bp.Write(ctx, func(tx *sql.Tx) error { // as if an older catalog had written gh_ghydyh, and QGIS saved xz_sjxzq
		if _, err := tx.Exec(`UPDATE layer_styles SET description = 'x' || ? || '000000000000', styleQML = 'old' WHERE f_table_name = 'gh_ghydyh'`, catalogMark); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = 'xz_sjxzq'`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO layer_styles (f_table_name, f_geometry_column, styleName, styleQML, useAsDefault) VALUES ('xz_sjxzq', 'geom', 'mine', ?, 1)`, qgisSavedQML)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if wrote, err := Update(ctx, bp); err != nil || !wrote {
		t.Fatalf("Update after a catalog change: wrote %v, %v", wrote, err)
	}
	if q := query(t, bp, `SELECT styleQML FROM layer_styles WHERE f_table_name = 'gh_ghydyh'`)[0][0]; q != before {
		t.Error("Update did not rewrite the stale gh_ghydyh style")
	}
	if d := query(t, bp, `SELECT description FROM layer_styles WHERE f_table_name = 'xz_sm' AND useAsDefault`)[0][0]; strings.Contains(d, catalogMark) {
		t.Error("Update overwrote the style edited in Lantu")
	}
	if d := query(t, bp, `SELECT styleName FROM layer_styles WHERE f_table_name = 'xz_sjxzq' AND useAsDefault`); len(d) != 1 || d[0][0] != "mine" {
		t.Errorf("Update took the default from the style QGIS saved: %v", d)
	}
	qgs, err = ReadQGS([]byte(query(t, bp, `SELECT content FROM qgis_projects`)[0][0]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mapLayer(t, qgs, "xz_sm_blueprint"), `v="18,52,86,255"`) {
		t.Error("the rewritten project lost the style edited in Lantu")
	}
	if city := mapLayer(t, qgs, "xz_sjxzq_blueprint"); !strings.Contains(city, `v="1,2,3,255"`) || strings.Count(city, "<renderer-v2") != 1 {
		t.Error("the rewritten project does not draw xz_sjxzq with the style QGIS saved")
	}
}

// qgisSavedQML is a default style as another tool saved it.
const qgisSavedQML = `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="AllStyleCategories">
 <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
  <symbols>
   <symbol type="fill" name="0" alpha="1"><layer class="SimpleFill" enabled="1" locked="0" pass="0"><prop k="color" v="1,2,3,255"/></layer></symbol>
  </symbols>
 </renderer-v2>
 <blendMode>0</blendMode>
</qgis>`

// mapLayer is the <maplayer> element of id in qgs.
func mapLayer(t *testing.T, qgs, id string) string {
	t.Helper()
	i := strings.Index(qgs, "<id>"+id+"</id>")
	if i < 0 {
		t.Fatalf("no maplayer %s", id)
	}
	start := strings.LastIndex(qgs[:i], "<maplayer ")
	end := strings.Index(qgs[i:], "</maplayer>")
	return qgs[start : i+end]
}

// TestWriteRefusesReadOnly: nothing is written to a read-only blueprint,
// and the error says so.
func TestWriteRefusesReadOnly(t *testing.T) {
	bp := newBlueprint(t)
	path := bp.Path()
	bp.Close()
	ro, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := Write(context.Background(), ro); !errors.Is(err, layers.ErrReadOnly) {
		t.Errorf("Write on a read-only blueprint: %v, want ErrReadOnly", err)
	}
	if err := WriteLayerStyle(context.Background(), ro, "NO_SUCH", ro.Catalog().Layers[0].Style); !errors.Is(err, ErrLayer) {
		t.Errorf("WriteLayerStyle of an unknown layer: %v, want ErrLayer", err)
	}
}

// TestProjectShowsConflicts: a blueprint with conflict patches has them in
// its project, at the top of the layer tree and of the draw order.
func TestProjectShowsConflicts(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t)
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		return bp.DB().CreateTable(ctx, tx, gpkg.TableSpec{Table: conflictsTable, GeomColumn: "geom", GeomType: "MULTIPOLYGON",
			SRSID: bp.SRID(), Columns: []gpkg.Column{{Name: "rule_id", Type: "TEXT"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := BuildProject(ctx, bp)
	if err != nil {
		t.Fatal(err)
	}
	id := layerID(conflictLayer)
	ml := mapLayer(t, p.QGS, id)
	if !strings.Contains(ml, "<datasource>./plan.gpkg|layername=lantu_conflicts</datasource>") || !strings.Contains(ml, `v="192,0,0,255"`) {
		t.Error("the conflict layer's source or outline is wrong")
	}
	if !strings.Contains(p.QGS, `<custom-order enabled="1">`+"\n   <item>"+id+"</item>") {
		t.Error("the conflict patches are not drawn on top")
	}
	if !strings.Contains(p.QGS, `<layer-tree-layer id="`+id+`"`) {
		t.Error("the conflict patches are not in the layer tree")
	}
}
