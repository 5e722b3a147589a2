"""Builds the layer_styles fixtures of lantu/layers/layerstyle with QGIS 3.22.

Run from this directory:
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 make_fixtures.py
It writes features.geojson's layers into small GeoPackages with ogr2ogr,
then lets QGIS itself save known styles into each file's layer_styles
table (QgsVectorLayer.saveStyleToDatabase), so the QML and SLD are QGIS's
own output. The colours, widths and ranges set here are the ones the Go
tests expect.
"""
import json
import os
import sqlite3
import subprocess

from qgis.core import (QgsApplication, QgsVectorLayer, QgsFillSymbol, QgsLineSymbol,
                       QgsMarkerSymbol, QgsSingleSymbolRenderer, QgsRendererCategory,
                       QgsCategorizedSymbolRenderer, QgsRendererRange,
                       QgsGraduatedSymbolRenderer, QgsPalLayerSettings,
                       QgsVectorLayerSimpleLabeling)

HERE = os.path.dirname(os.path.abspath(__file__))

# EPSG:4550 (CGCS2000 / 3-degree Gauss-Kruger CM 123E), near Shenyang.
X0, Y0 = 500000, 4630000


def square(x, y, s=200):
    return [[[X0 + x, Y0 + y], [X0 + x + s, Y0 + y], [X0 + x + s, Y0 + y + s],
             [X0 + x, Y0 + y + s], [X0 + x, Y0 + y]]]


def features():
    parcels = [("R", 1.5, "Riverside", 0, 0), ("C", 3.0, "Centre", 300, 0),
               ("G", 6.0, "Park", 0, 300), ("X", 9.0, "Unlisted", 300, 300)]
    roads = [("main", [[-100, 250], [600, 250]]), ("minor", [[250, -100], [250, 600]]),
             ("track", [[-100, -50], [600, -50]])]
    wells = [(12.5, [100, 100]), (40.0, [400, 100]), (80.0, [100, 400])]
    fc = lambda fs: {"type": "FeatureCollection", "features": fs}
    return {
        "parcels": fc([{"type": "Feature", "properties": {"landuse": lu, "area_ha": a, "name": n},
                        "geometry": {"type": "Polygon", "coordinates": square(x, y)}}
                       for lu, a, n, x, y in parcels]),
        "roads": fc([{"type": "Feature", "properties": {"kind": k},
                      "geometry": {"type": "LineString", "coordinates": [[X0 + x, Y0 + y] for x, y in c]}}
                     for k, c in roads]),
        "wells": fc([{"type": "Feature", "properties": {"depth": d},
                      "geometry": {"type": "Point", "coordinates": [X0 + p[0], Y0 + p[1]]}}
                     for d, p in wells]),
    }


def make_gpkg(path, tables):
    if os.path.exists(path):
        os.remove(path)
    for name in tables:
        src = os.path.join(HERE, "_%s.geojson" % name)
        with open(src, "w") as f:
            json.dump(features()[name], f)
        subprocess.run(["ogr2ogr", "-q", "-f", "GPKG", "-a_srs", "EPSG:4550", "-nln", name,
                        "-update" if os.path.exists(path) else "-overwrite", path, src], check=True)
        os.remove(src)


def layer(path, name):
    lyr = QgsVectorLayer("%s|layername=%s" % (path, name), name, "ogr")
    assert lyr.isValid(), (path, name)
    return lyr


def save(lyr, style_name):
    err = lyr.saveStyleToDatabase(style_name, "lantu layerstyle fixture", True, "")
    assert not err, err


def single(path):
    make_gpkg(path, ["parcels", "roads", "wells"])
    p = layer(path, "parcels")
    p.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({
        "color": "255,204,0,255", "outline_color": "153,51,0,255", "outline_width": "0.5",
        "outline_width_unit": "MM", "outline_style": "dash"})))
    p.setOpacity(0.8)
    ls = QgsPalLayerSettings()
    ls.fieldName = "name"
    p.setLabeling(QgsVectorLayerSimpleLabeling(ls))
    p.setLabelsEnabled(True)
    save(p, "parcels yellow")
    r = layer(path, "roads")
    r.setRenderer(QgsSingleSymbolRenderer(QgsLineSymbol.createSimple({
        "line_color": "0,102,204,255", "line_width": "3", "line_width_unit": "Pixel",
        "use_custom_dash": "1", "customdash": "6;3", "customdash_unit": "Pixel"})))
    save(r, "roads blue dashed")
    w = layer(path, "wells")
    w.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple({
        "name": "square", "color": "204,0,204,255", "outline_color": "0,0,0,255", "size": "4", "size_unit": "MM"})))
    w.setScaleBasedVisibility(True)
    w.setMinimumScale(50000)  # most zoomed out
    w.setMaximumScale(500)    # most zoomed in
    save(w, "wells magenta")


def categorized(path):
    make_gpkg(path, ["parcels", "roads"])
    p = layer(path, "parcels")
    cats = []
    for value, rgb, label in [("R", "230,0,0", "Residential"), ("C", "0,90,230", "Commercial"),
                              ("G", "0,170,0", "Green")]:
        sym = QgsFillSymbol.createSimple({"color": rgb + ",255", "outline_color": "35,35,35,255",
                                          "outline_width": "0.26"})
        cats.append(QgsRendererCategory(value, sym, label))
    p.setRenderer(QgsCategorizedSymbolRenderer("landuse", cats))
    save(p, "parcels by landuse")
    r = layer(path, "roads")
    cats = []
    for value, rgb, w in [("main", "200,0,0", "1.2"), ("minor", "120,120,120", "0.6")]:
        cats.append(QgsRendererCategory(value, QgsLineSymbol.createSimple({
            "line_color": rgb + ",255", "line_width": w}), value))
    r.setRenderer(QgsCategorizedSymbolRenderer("kind", cats))
    save(r, "roads by kind")


def graduated(path):
    make_gpkg(path, ["parcels"])
    p = layer(path, "parcels")
    ranges = []
    for lo, hi, rgb, label in [(0, 2, "255,255,178", "0 - 2 ha"), (2, 5, "254,141,60", "2 - 5 ha"),
                               (5, 10, "189,0,38", "5 - 10 ha")]:
        sym = QgsFillSymbol.createSimple({"color": rgb + ",255", "outline_color": "0,0,0,255",
                                          "outline_width": "1", "outline_width_unit": "Pixel"})
        ranges.append(QgsRendererRange(lo, hi, sym, label))
    p.setRenderer(QgsGraduatedSymbolRenderer("area_ha", ranges))
    save(p, "parcels by area")


def sld_only(path):
    """The categorized parcels' style as QGIS exports SLD, stored with no QML."""
    make_gpkg(path, ["parcels", "roads"])
    p = layer(path, "parcels")
    cats = [QgsRendererCategory(v, QgsFillSymbol.createSimple({"color": c + ",255", "outline_color": "35,35,35,255"}), v)
            for v, c in [("R", "230,0,0"), ("C", "0,90,230"), ("G", "0,170,0")]]
    p.setRenderer(QgsCategorizedSymbolRenderer("landuse", cats))
    save(p, "parcels sld")
    con = sqlite3.connect(path)
    con.execute("UPDATE layer_styles SET styleQML = NULL")
    con.commit()
    # roads: a hand-written SLD 1.0 (CssParameter), graduated-style rules on
    # a text field are not meaningful, so an equality rule and an else rule.
    with open(os.path.join(HERE, "roads_sld10.sld")) as f:
        sld = f.read()
    con.execute("""INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
        styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)
        VALUES ('', '', 'roads', 'geom', 'roads sld 1.0', NULL, ?, 1, 'hand-written SLD 1.0', '', NULL,
        '2026-01-01T00:00:00.000Z')""", (sld,))
    con.commit()
    con.execute("VACUUM")
    con.close()


if __name__ == "__main__":
    qgs = QgsApplication([], False)
    qgs.initQgis()
    single(os.path.join(HERE, "single.gpkg"))
    categorized(os.path.join(HERE, "categorized.gpkg"))
    graduated(os.path.join(HERE, "graduated.gpkg"))
    sld_only(os.path.join(HERE, "sld.gpkg"))
    qgs.exitQgis()
