#!/usr/bin/python3
"""Render GeoPackage layers through QGIS once and write a PNG: the whole
process (start-up, QgsApplication, layer loading, render, PNG) is what a
one-off QGIS render costs; compare `lantuctl render`.

Usage: QT_QPA_PLATFORM=offscreen qgis_once.py SPEC.json OUT.png

SPEC is the Mapnik scripts' spec (layers/render/testdata/mapnik_bench.py):
{"gpkg", "w", "h", "bbox": [minx, miny, maxx, maxy], "layers": [{"table",
"kind", "fill", "stroke", "opacity", "width", "size"}]}, layers drawn in
order with one simple symbol each, in the layers' own CRS. Prints one JSON
line {"render_seconds": s, "load_seconds": s, "layers": n}: the render alone
(QgsMapRendererParallelJob to the image) and the layer loading before it.
Exits 3 when qgis.core is missing.
"""
import json
import sys
import time

try:
    from qgis.core import (QgsApplication, QgsVectorLayer, QgsMapSettings,
                           QgsMapRendererParallelJob, QgsRectangle,
                           QgsFillSymbol, QgsLineSymbol, QgsMarkerSymbol,
                           QgsSingleSymbolRenderer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except ImportError as e:  # the caller skips the comparison
    print(json.dumps({"error": "qgis.core not importable: %s" % e}))
    sys.exit(3)


def symbol(ls):
    kind = ls.get("kind", "polygon")
    width = str(float(ls.get("width") or 1) * 0.26)  # px to mm at 96 dpi
    if kind == "polygon":
        props = {"color": ls.get("fill") or "0,0,0,0",
                 "style": "solid" if ls.get("fill") else "no",
                 "outline_color": ls.get("stroke") or "0,0,0,0",
                 "outline_style": "solid" if ls.get("stroke") else "no",
                 "outline_width": width}
        s = QgsFillSymbol.createSimple(props)
    elif kind == "line":
        s = QgsLineSymbol.createSimple({"line_color": ls.get("stroke") or "#808080",
                                        "line_width": width})
    else:
        s = QgsMarkerSymbol.createSimple({"color": ls.get("fill") or ls.get("stroke") or "#1f6fd1",
                                          "size": str(float(ls.get("size") or 7) * 0.26),
                                          "outline_style": "no"})
    s.setOpacity(float(ls.get("opacity") or 1))
    return s


def main():
    spec = json.load(open(sys.argv[1]))
    app = QgsApplication([], False)
    app.initQgis()
    t = time.perf_counter()
    layers, lyr = [], None
    for ls in spec["layers"]:
        lyr = QgsVectorLayer("%s|layername=%s" % (spec["gpkg"], ls["table"]), ls["table"], "ogr")
        if not lyr.isValid():
            print(json.dumps({"error": "layer %s not valid" % ls["table"]}))
            sys.exit(1)
        lyr.setRenderer(QgsSingleSymbolRenderer(symbol(ls)))
        layers.append(lyr)
    load = time.perf_counter() - t
    ms = QgsMapSettings()
    ms.setLayers(list(reversed(layers)))  # QGIS draws the list's last first
    if layers:
        ms.setDestinationCrs(layers[0].crs())
    ms.setBackgroundColor(QColor("#f4f3ef"))
    ms.setOutputSize(QSize(int(spec["w"]), int(spec["h"])))
    ms.setExtent(QgsRectangle(*spec["bbox"]))
    t = time.perf_counter()
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    render = time.perf_counter() - t
    img.save(sys.argv[2], "png")
    print(json.dumps({"render_seconds": render, "load_seconds": load, "layers": len(layers)}))
    sys.stdout.flush()
    # The layers go before exitQgis: PyQGIS 3.22 segfaults at exit when a
    # layer outlives its providers.
    del job, ms, layers, lyr
    app.exitQgis()


if __name__ == "__main__":
    main()
