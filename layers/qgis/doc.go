// Package qgis is the write side of Lantu's QGIS interop: it puts into a
// blueprint what QGIS needs to open it as Lantu draws it.
//
// # Styles
//
// Every vector catalog layer gets one row in layer_styles (the table GDAL
// makes when QGIS saves a style into a GeoPackage, registered in
// gpkg_contents as an attributes table), named StyleName and the default
// (useAsDefault = 1), so QGIS applies it whenever the layer is added. The
// row holds the style twice, drawn from one resolved look so the two agree:
//
//   - styleQML, QGIS's own format (QML): a categorized renderer for a layer
//     with a class palette, one category per class with its Chinese name as
//     the legend label, in the class colour as Lantu draws it (areas muted
//     and outlined in a darker shade of their hue, render.Muted and
//     ClassOutline), and an "all other values" category in the layer's own
//     style; it classifies by a QGIS expression
//     giving each value its longest listed class prefix, as Lantu does
//     (see classExpr), so the renderer's attribute is that expression, not
//     the bare field. Otherwise a single symbol: simple fills, outlines
//     as simple lines (dashed by the catalog's dash), hatches as line
//     pattern fills (dots as a point pattern), points as simple markers;
//     sizes in pixels. Fill and hatch take the style's opacity as their
//     colours' alpha, the stroke does not, as in Lantu's renderer. Widths,
//     hatch gaps and strength (a faded hatch becomes a flat tint) and the
//     outlines of small areas follow the scale as Lantu's do, through
//     data-defined expressions of @map_scale (see scale.go). Labels from
//     the label field in the embedded CJK font (LabelFont), scale-based
//     visibility from min_scale/max_scale, Chinese field aliases.
//   - styleSLD, an OGC SLD 1.1 / SE 1.1 document with the same classes,
//     colours and scale limits for other tools, at district scale (SLD has
//     no styling by scale short of one rule set per scale band; see SLD).
//
// Lantu's rows are recognised by StyleName. Rows other tools wrote stay,
// no longer default. A row written from the catalog carries the hash of
// its QML in its description; one written by WriteLayerStyle (a style
// changed in Lantu) says so instead, and Update leaves it alone.
//
// # Project
//
// qgis_projects (created as QGIS creates it and, like QGIS, registered
// nowhere) holds the blueprint's project, named after the file without
// .gpkg: a zip with the .qgs, stored as hex text as QGIS stores it. QGIS
// opens it with Project → Open From → GeoPackage, or
// QgsProject.read("geopackage:FILE?projectName=NAME"). It holds the layer
// tree of the four roots 现状/规划/管理/指标 and their groups in catalog order
// with the catalog's visibility, every catalog layer with its catalog style
// and "./FILE.gpkg|layername=TABLE" (rasters "GPKG:./FILE.gpkg:TABLE") as
// its source, the terrain layers multiplied over the map at Lantu's
// strengths, the conflict patches when the file has them, the project CRS
// and the city extent as the default view. Layer ids are the table name
// with "_blueprint".
//
// # Writing
//
// Every write goes through the Blueprint's Write, in one transaction: Write
// (all styles and the project: `lantuctl qgis`, `lantuctl demo`), WriteLayerStyle
// (one layer's style, in layer_styles and in the stored project) and Update
// (what the catalog changed). Reading a foreign layer_styles default back
// into a Lantu style is package layers/layerstyle's.
//
// All functions are safe for concurrent use; Project is a plain value.
package qgis
