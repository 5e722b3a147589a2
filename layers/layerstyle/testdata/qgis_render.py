"""Renders every layer of a GeoPackage with its default layer_styles style,
as QGIS draws it (labels off), for lantu/layers/layerstyle's comparison test.

    QT_QPA_PLATFORM=offscreen python3 qgis_render.py IN.gpkg OUT.png minx,miny,maxx,maxy WxH
"""
import os
import sqlite3
import sys
import tempfile

from qgis.core import (QgsApplication, QgsVectorLayer, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def load_sld(lyr, src, name):
    con = sqlite3.connect(src)
    (sld,) = con.execute("SELECT styleSLD FROM layer_styles WHERE f_table_name = ? "
                         "ORDER BY useAsDefault DESC, update_time DESC", (name,)).fetchone()
    con.close()
    with tempfile.NamedTemporaryFile("w", suffix=".sld", delete=False) as f:
        f.write(sld)
    msg, ok = lyr.loadSldStyle(f.name)
    os.remove(f.name)
    assert ok, (name, msg)


def main(src, out, bbox, size):
    con = sqlite3.connect(src)
    names = [r[0] for r in con.execute("SELECT table_name FROM gpkg_geometry_columns")]
    con.close()
    layers = []
    for name in sorted(names):
        lyr = QgsVectorLayer("%s|layername=%s" % (src, name), name, "ogr")
        assert lyr.isValid(), name
        msg, ok = lyr.loadDefaultStyle()  # the layer_styles default QML, as QGIS opens the file
        if not ok:  # no QML: QGIS reads the stored SLD only from a file
            load_sld(lyr, src, name)
        lyr.setLabelsEnabled(False)  # the comparison is of symbols; Lantu's test draws no labels either
        layers.append(lyr)
    w, h = (int(v) for v in size.split("x"))
    s = QgsMapSettings()
    s.setLayers(list(reversed(layers)))  # QGIS lists the top layer first; Lantu draws by table name
    s.setDestinationCrs(layers[0].crs())
    s.setExtent(QgsRectangle(*(float(v) for v in bbox.split(","))))
    s.setOutputSize(QSize(w, h))
    s.setOutputDpi(96)
    s.setBackgroundColor(QColor(0xf4, 0xf3, 0xef))
    job = QgsMapRendererParallelJob(s)
    job.start()
    job.waitForFinished()
    assert job.renderedImage().save(out, "PNG"), out
    for lyr in layers:
        del lyr


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    main(*sys.argv[1:5])
    app.exitQgis()
