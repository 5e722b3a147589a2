# Loads a blueprint's QGIS project from the GeoPackage with QGIS's own
# reader and prints what QGIS made of it as JSON: the layer tree, every
# layer's validity and renderer, and the default style QGIS gives a layer
# added on its own. Run by project_test.go as:
#   QT_QPA_PLATFORM=offscreen python3 check_project.py FILE.gpkg NAME TABLE PROBES
# PROBES is JSON {table: [class codes]}: each code is classified by the
# layer's categorized renderer expression, as QGIS evaluates it.
import json
import sys

from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer, QgsLayerTreeLayer,
                       QgsExpression, QgsExpressionContext, QgsFeature, NULL)

app = QgsApplication([], False)
app.initQgis()
path, name, probe, probes = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])


def renderer_info(layer):
    r = layer.renderer()
    if r is None:
        return {"type": None}
    out = {"type": r.type()}
    if r.type() == "categorizedSymbol":
        out["attr"] = r.classAttribute()
        out["categories"] = [{"value": c.value(), "label": c.label(),
                              "color": c.symbol().color().name()}
                             for c in r.categories()]
    elif r.type() == "singleSymbol":
        out["color"] = r.symbol().color().name()
    return out


def tree(node):
    if isinstance(node, QgsLayerTreeLayer):
        return {"layer": node.layerId(), "name": node.name(), "checked": node.itemVisibilityChecked()}
    kids = [tree(c) for c in node.children()]
    return {"group": node.name(), "children": kids}


prj = QgsProject.instance()
ok = prj.read("geopackage:%s?projectName=%s" % (path, name))
layers = {}
for lid, layer in prj.mapLayers().items():
    info = {"valid": layer.isValid(), "name": layer.name(), "kind": layer.type().value if hasattr(layer.type(), "value") else int(layer.type()),
            "source": layer.source(), "opacity": layer.opacity(), "blend": int(layer.blendMode()),
            "scaleBased": layer.hasScaleBasedVisibility(), "minScale": layer.minimumScale(),
            "maxScale": layer.maximumScale()}
    if isinstance(layer, QgsVectorLayer):
        info["renderer"] = renderer_info(layer)
        info["labels"] = layer.labelsEnabled()
        if layer.labelsEnabled() and layer.labeling() is not None:
            s = layer.labeling().settings()
            info["labelField"] = s.fieldName
            info["labelFont"] = s.format().font().family()
    else:
        info["renderer"] = {"type": layer.renderer().type() if layer.renderer() else None}
        info["rasterOpacity"] = layer.renderer().opacity() if layer.renderer() else None
    layers[lid] = info

classified = {}
for table, codes in probes.items():
    layer = prj.mapLayer(table + "_blueprint")
    field = [f.name() for f in layer.fields() if ('"%s"' % f.name()) in layer.renderer().classAttribute()][0]
    expr = QgsExpression(layer.renderer().classAttribute())
    out = {}
    for code in codes:
        f = QgsFeature(layer.fields())
        f[field] = code
        ctx = QgsExpressionContext()
        ctx.setFields(layer.fields())
        ctx.setFeature(f)
        v = expr.evaluate(ctx)
        out[code] = None if v is None or v == NULL else str(v)
    classified[table] = out

alone = QgsVectorLayer("%s|layername=%s" % (path, probe), "alone", "ogr")
ve = prj.viewSettings().defaultViewExtent()
print(json.dumps({
    "read": ok,
    "crs": prj.crs().authid(),
    "tree": tree(prj.layerTreeRoot()),
    "layers": layers,
    "customOrder": [l.id() for l in prj.layerTreeRoot().customLayerOrder()],
    "hasCustomOrder": prj.layerTreeRoot().hasCustomLayerOrder(),
    "viewExtent": [ve.xMinimum(), ve.yMinimum(), ve.xMaximum(), ve.yMaximum()],
    "classified": classified,
    "alone": {"valid": alone.isValid(), "renderer": renderer_info(alone)},
}, ensure_ascii=False))
