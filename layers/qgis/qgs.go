package qgis

import (
	"image/color"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
	"lantu/layers/crs"
)

// projectBuilder writes one .qgs document. Not safe for concurrent use.
type projectBuilder struct {
	cat  *catalog.Catalog
	c    *contents
	file string // the blueprint's file name
	srs  crs.Definition
}

// Conflict patches (layers/conflict), shown above the plans when present.
const (
	conflictsTable = "lantu_conflicts"
	conflictsName  = "冲突图斑 Conflict patches"
)

// conflictLayer is how the project draws conflict patches: a translucent
// red fill with a red outline.
var conflictLayer = &catalog.Layer{Code: "LANTU_CONFLICTS", Table: conflictsTable, NameZh: conflictsName,
	NameEn: "Conflict patches", Geometry: "polygon", Visible: true,
	Style: catalog.Style{Fill: color.NRGBA{0xe0, 0x1e, 0x1e, 0xff}, Stroke: color.NRGBA{0xc0, 0, 0, 0xff}, Width: 1.5, Opacity: 0.35}}

func (pb *projectBuilder) qgs(name string, saved time.Time) string {
	root := el("qgis", "projectname", name, "version", Version, "saveDateTime", saved.Format("2006-01-02T15:04:05"),
		"saveUser", "lantu", "saveUserFull", "Lantu 蓝图")
	root.child("homePath", "path", "")
	root.add(textEl("title", name))
	root.child("autotransaction", "active", "0")
	root.child("evaluateDefaultValues", "active", "0")
	root.child("trust", "active", "0")
	root.child("projectCrs").add(pb.srsNode())
	root.add(pb.tree())
	pl := root.child("projectlayers")
	for _, l := range pb.vectors() {
		pl.add(pb.vectorLayer(l))
	}
	for _, l := range pb.rasters() {
		pl.add(pb.rasterLayer(l))
	}
	order := root.child("layerorder")
	for _, id := range pb.drawOrder() {
		order.child("layer", "id", id)
	}
	root.add(pb.canvas(), pb.properties(), pb.viewSettings())
	return qmlDoctype + root.String()
}

// srsNode is the project CRS as QGIS writes it; QGIS reads the authid.
func (pb *projectBuilder) srsNode() *node {
	geo := "false"
	if pb.srs.Geographic {
		geo = "true"
	}
	return el("spatialrefsys").add(textEl("wkt", pb.srs.WKT2), textEl("srid", num(float64(pb.srs.EPSG))),
		textEl("authid", "EPSG:"+num(float64(pb.srs.EPSG))), textEl("description", pb.srs.Name),
		textEl("geographicflag", geo))
}

// has reports whether the file holds a catalog layer's table.
func (pb *projectBuilder) has(l *catalog.Layer) bool {
	switch pb.c.kind[l.Table] {
	case "features":
		return l.Geometry != "raster"
	case "2d-gridded-coverage", "tiles":
		return l.Geometry == "raster"
	}
	return false
}

// vectors are the vector layers of the project in tree order, the conflict
// patches last.
func (pb *projectBuilder) vectors() []*catalog.Layer {
	var out []*catalog.Layer
	for _, l := range pb.cat.TreeOrder() {
		if l.Geometry != "raster" && pb.has(l) {
			out = append(out, l)
		}
	}
	if pb.c.kind[conflictsTable] == "features" {
		out = append(out, conflictLayer)
	}
	return out
}

func (pb *projectBuilder) rasters() []*catalog.Layer {
	var out []*catalog.Layer
	for _, l := range pb.cat.TreeOrder() {
		if l.Geometry == "raster" && pb.has(l) {
			out = append(out, l)
		}
	}
	return out
}

// tree is the layer tree: the catalog's roots and groups in catalog order
// (groups checked, so each layer's own check is its visibility), then the
// conflict patches, and the draw order as QGIS's custom order.
func (pb *projectBuilder) tree() *node {
	t := el("layer-tree-group")
	t.child("customproperties")
	for _, g := range pb.cat.Groups {
		t.add(pb.group(g, true))
	}
	if pb.c.kind[conflictsTable] == "features" {
		t.add(pb.treeLayer(conflictLayer))
	}
	co := t.child("custom-order", "enabled", "1")
	for _, id := range pb.drawOrder() {
		co.add(textEl("item", id))
	}
	return t
}

// group is one group of the tree with what it holds; nil if it holds no
// layer of the file.
func (pb *projectBuilder) group(g *catalog.Group, root bool) *node {
	expanded := "0"
	if root {
		expanded = "1"
	}
	n := el("layer-tree-group", "name", g.Name, "checked", "Qt::Checked", "expanded", expanded)
	n.child("customproperties")
	empty := true
	for _, ch := range g.Children {
		switch v := ch.(type) {
		case *catalog.Group:
			if k := pb.group(v, false); k != nil {
				n.add(k)
				empty = false
			}
		case *catalog.Layer:
			if pb.has(v) {
				n.add(pb.treeLayer(v))
				empty = false
			}
		}
	}
	if empty {
		return nil
	}
	return n
}

func (pb *projectBuilder) treeLayer(l *catalog.Layer) *node {
	checked, provider := "Qt::Unchecked", "ogr"
	if l.Visible {
		checked = "Qt::Checked"
	}
	if l.Geometry == "raster" {
		provider = "gdal"
	}
	n := el("layer-tree-layer", "id", layerID(l), "name", l.NameZh, "source", pb.source(l), "providerKey", provider,
		"checked", checked, "expanded", "0", "legend_exp", "", "patch_size", "-1,-1", "legend_split_behavior", "0")
	n.child("customproperties")
	return n
}

// layerID is a layer's id in the project: its table name and a suffix, as
// QGIS ignores an id of 10 characters or fewer (and makes up another, so
// the layer tree would lose the layer).
func layerID(l *catalog.Layer) string { return l.Table + "_blueprint" }

// source is a layer's datasource relative to the project's folder.
func (pb *projectBuilder) source(l *catalog.Layer) string {
	if l.Geometry == "raster" {
		return "GPKG:./" + pb.file + ":" + l.Table
	}
	return "./" + pb.file + "|layername=" + l.Table
}

// drawOrder lists the layer ids from the top of the map down: the conflict
// patches, the terrain layers (multiplied over everything beneath, as
// Lantu shades the map), then the vector layers in reverse catalog draw
// order.
func (pb *projectBuilder) drawOrder() []string {
	var ids []string
	if pb.c.kind[conflictsTable] == "features" {
		ids = append(ids, layerID(conflictLayer))
	}
	rs := pb.rasters()
	sort.SliceStable(rs, func(i, j int) bool { return rasterRank[rs[i].Table] < rasterRank[rs[j].Table] })
	for _, l := range rs {
		ids = append(ids, layerID(l))
	}
	var vs []*catalog.Layer
	for _, l := range pb.vectors() {
		if l != conflictLayer {
			vs = append(vs, l)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Order > vs[j].Order })
	for _, l := range vs {
		ids = append(ids, layerID(l))
	}
	return ids
}

// canvas is the map canvas of QGIS Desktop: the city extent in the
// project CRS.
func (pb *projectBuilder) canvas() *node {
	b, ok := pb.c.cityExtent()
	if !ok {
		return nil
	}
	units := "meters"
	if pb.srs.Geographic {
		units = "degrees"
	}
	mc := el("mapcanvas", "name", "theMapCanvas", "annotationsVisible", "1")
	mc.add(textEl("units", units), extentNode("extent", b), textEl("rotation", "0"),
		el("destinationsrs").add(pb.srsNode()), textEl("rendermaptile", "0"), el("expressionContextScope"))
	return mc
}

func extentNode(name string, b orb.Bound) *node {
	return el(name).add(textEl("xmin", num(b.Min[0])), textEl("ymin", num(b.Min[1])),
		textEl("xmax", num(b.Max[0])), textEl("ymax", num(b.Max[1])))
}

// viewSettings hold the default view: the city extent.
func (pb *projectBuilder) viewSettings() *node {
	vs := el("ProjectViewSettings", "UseProjectScales", "0", "rotation", "0")
	vs.child("Scales")
	if b, ok := pb.c.cityExtent(); ok {
		vs.add(el("DefaultViewExtent", "xmin", num(b.Min[0]), "ymin", num(b.Min[1]), "xmax", num(b.Max[0]),
			"ymax", num(b.Max[1])).add(pb.srsNode()))
	}
	return vs
}

// properties: relative paths, and CJK-friendly measurement in metres.
func (pb *projectBuilder) properties() *node {
	p := el("properties")
	p.child("Paths").add(textEl("Absolute", "false", "type", "bool"))
	p.child("SpatialRefSys").add(textEl("ProjectionsEnabled", "1", "type", "int"))
	return p
}

// vectorLayer is the <maplayer> of a vector layer with its catalog style.
func (pb *projectBuilder) vectorLayer(l *catalog.Layer) *node {
	geom, wkb := geometryNames(l.Geometry)
	n := el("maplayer", "type", "vector", "geometry", geom, "wkbType", wkb, "styleCategories", "AllStyleCategories",
		"autoRefreshEnabled", "0", "autoRefreshTime", "0", "refreshOnNotifyEnabled", "0", "refreshOnNotifyMessage", "",
		"legendPlaceholderImage", "")
	n.attrs = append(n.attrs, layerAttrs(l, l.Style)...)
	pb.layerHead(n, l)
	n.add(textEl("provider", "ogr", "encoding", "UTF-8"))
	n.child("map-layer-style-manager", "current", "default").child("map-layer-style", "name", "default")
	return n.add(styleNodes(pb.cat, l, l.Style)...)
}

// layerHead adds what every <maplayer> starts with: id, datasource, name,
// CRS and metadata.
func (pb *projectBuilder) layerHead(n *node, l *catalog.Layer) {
	n.add(textEl("id", layerID(l)), textEl("datasource", pb.source(l)))
	n.child("keywordList").add(textEl("value", ""))
	n.add(textEl("layername", l.NameZh))
	n.child("srs").add(pb.srsNode())
	md := n.child("resourceMetadata")
	md.add(textEl("identifier", l.Code), textEl("type", "dataset"), textEl("title", l.NameZh),
		textEl("abstract", l.NameEn))
}

// geometryNames are QGIS's geometry and WKB type names of a catalog
// geometry (blueprint tables are multi-part for lines and areas).
func geometryNames(kind string) (string, string) {
	switch kind {
	case "line":
		return "Line", "MultiLineString"
	case "point":
		return "Point", "Point"
	}
	return "Polygon", "MultiPolygon"
}
