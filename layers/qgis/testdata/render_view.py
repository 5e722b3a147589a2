# Renders one view of a blueprint's QGIS project (stored in the
# GeoPackage) with QGIS's own renderer and, for a sample layer, prints the
# pixel positions of points well inside its features with their class code
# and the colour QGIS's renderer gives that class. Run by render_test.go:
#   QT_QPA_PLATFORM=offscreen python3 render_view.py FILE NAME OUT.png W H
#       XMIN YMIN XMAX YMAX LAYERS LABELS SAMPLE_TABLE CLASS_FIELD INSET_PX
# LAYERS is "visible" (the project's visible layers in its draw order) or
# comma-separated table names; LABELS is 1 or 0. With OUT_SLD.png after
# INSET_PX the view is drawn again with each layer styled from its SLD
# (layer_styles.styleSLD) instead of its QML.
import json
import os
import sqlite3
import sys
import tempfile

from qgis.core import (QgsApplication, QgsProject, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsRectangle, QgsFeatureRequest, QgsRenderContext, QgsExpressionContextUtils)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

app = QgsApplication([], False)
app.initQgis()
(path, name, out, w, h, x0, y0, x1, y1, which, labels, sample, field, inset) = sys.argv[1:15]
out_sld = sys.argv[15] if len(sys.argv) > 15 else ""
w, h, inset = int(w), int(h), float(inset)
prj = QgsProject.instance()
if not prj.read("geopackage:%s?projectName=%s" % (path, name)):
    sys.exit("cannot read the project")
root = prj.layerTreeRoot()
order = root.customLayerOrder() if root.hasCustomLayerOrder() else root.layerOrder()
if which == "visible":
    layers = [l for l in order if root.findLayer(l.id()).isVisible()]
else:
    want = which.split(",")
    layers = [l for l in order if l.id().rsplit("_blueprint", 1)[0] in want]
ms = QgsMapSettings()
ms.setLayers(layers)
ms.setDestinationCrs(prj.crs())
ms.setOutputSize(QSize(w, h))
ms.setOutputDpi(25.4 / 0.28)  # Lantu's scale: a pixel is 0.28 mm (OGC)
ms.setExtent(QgsRectangle(float(x0), float(y0), float(x1), float(y1)))
ms.setBackgroundColor(QColor(0xf4, 0xf3, 0xef))
ms.setFlag(QgsMapSettings.Antialiasing, True)
ms.setFlag(QgsMapSettings.DrawLabeling, labels == "1")


def draw(to):
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(to, "png")


draw(out)
points = []
if sample:
    layer = [l for l in prj.mapLayers().values() if l.id() == sample + "_blueprint"][0]
    r = layer.renderer().clone()
    ctx = QgsRenderContext.fromMapSettings(ms)
    ctx.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    r.startRender(ctx, layer.fields())
    m2p = ms.mapToPixel()
    res = ms.mapUnitsPerPixel()
    req = QgsFeatureRequest().setFilterRect(ms.visibleExtent())
    for f in layer.getFeatures(req):
        inner = f.geometry().buffer(-inset * res, 4)
        if inner.isEmpty():
            continue
        p = inner.pointOnSurface().asPoint()
        px = m2p.transform(p)
        if not (inset <= px.x() < w - inset and inset <= px.y() < h - inset):
            continue
        ctx.expressionContext().setFeature(f)
        sym = r.symbolForFeature(f, ctx)
        points.append({"x": int(px.x()), "y": int(px.y()), "fid": f.id(),
                       "class": str(f[field]),
                       "color": sym.color().name(QColor.HexArgb) if sym else None})
    r.stopRender(ctx)
if out_sld:
    con = sqlite3.connect(path)
    for l in layers:
        table = l.id().rsplit("_blueprint", 1)[0]
        row = con.execute("SELECT styleSLD FROM layer_styles WHERE f_table_name = ? AND useAsDefault", (table,)).fetchone()
        with tempfile.NamedTemporaryFile("w", suffix=".sld", delete=False) as f:
            f.write(row[0])
        msg, ok = l.loadSldStyle(f.name)
        os.unlink(f.name)
        if not ok:
            sys.exit("%s: QGIS cannot read the SLD: %s" % (table, msg))
    draw(out_sld)

ext = ms.visibleExtent()
print(json.dumps({"layers": [l.id() for l in layers], "extent": [ext.xMinimum(), ext.yMinimum(), ext.xMaximum(), ext.yMaximum()],
                  "scale": ms.scale(), "points": points}, ensure_ascii=False))
