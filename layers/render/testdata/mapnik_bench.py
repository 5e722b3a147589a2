#!/usr/bin/python3
"""Render GeoPackage layers through Mapnik's OGR plugin and print the time.

Usage: mapnik_bench.py SPEC.json [OUT.png]

SPEC is {"gpkg": path, "w": int, "h": int, "bbox": [minx, miny, maxx, maxy],
"runs": int, "layers": [{"table", "kind": "polygon|line|point", "fill",
"stroke": "#rrggbb", "opacity", "width"}]}. Layers are drawn in order with
one style each, in the blueprint's own CRS (no reprojection). Prints one
JSON line {"seconds": best, "runs": n}; exits 3 when mapnik is missing.
"""
import json
import sys
import time

try:
    import mapnik
except ImportError as e:  # the caller skips the comparison
    print(json.dumps({"error": "mapnik not importable: %s" % e}))
    sys.exit(3)

# Map and layers share one SRS string so Mapnik does not reproject.
SRS = "+proj=tmerc +lat_0=0 +lon_0=123 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"


def style(spec):
    s, r = mapnik.Style(), mapnik.Rule()
    kind = spec.get("kind", "polygon")
    width = float(spec.get("width") or 1)
    if kind == "polygon":
        if spec.get("fill"):
            p = mapnik.PolygonSymbolizer()
            p.fill = mapnik.Color(spec["fill"])
            p.fill_opacity = float(spec.get("opacity") or 1)
            r.symbols.append(p)
        if spec.get("stroke"):
            l = mapnik.LineSymbolizer()
            l.stroke = mapnik.Color(spec["stroke"])
            l.stroke_width = width
            r.symbols.append(l)
    elif kind == "line":
        l = mapnik.LineSymbolizer()
        l.stroke = mapnik.Color(spec.get("stroke") or "#808080")
        l.stroke_width = width
        r.symbols.append(l)
    else:
        m = mapnik.MarkersSymbolizer()
        m.fill = mapnik.Color(spec.get("fill") or spec.get("stroke") or "#1f6fd1")
        m.width = mapnik.Expression(str(float(spec.get("size") or 7)))
        m.height = m.width
        m.allow_overlap = True
        r.symbols.append(m)
    s.rules.append(r)
    return s


def build(spec):
    m = mapnik.Map(int(spec["w"]), int(spec["h"]), SRS)
    m.background = mapnik.Color("#f4f3ef")
    for i, ls in enumerate(spec["layers"]):
        name = "s%d" % i
        m.append_style(name, style(ls))
        lyr = mapnik.Layer(ls["table"], SRS)
        lyr.datasource = mapnik.Ogr(file=spec["gpkg"], layer=ls["table"])
        lyr.styles.append(name)
        m.layers.append(lyr)
    m.zoom_to_box(mapnik.Box2d(*spec["bbox"]))
    return m


def main():
    spec = json.load(open(sys.argv[1]))
    m = build(spec)
    im = mapnik.Image(m.width, m.height)
    mapnik.render(m, im)  # warm the OGR datasources
    best = None
    for _ in range(max(1, int(spec.get("runs", 3)))):
        im = mapnik.Image(m.width, m.height)
        t = time.perf_counter()
        mapnik.render(m, im)
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    if len(sys.argv) > 2:
        im.save(sys.argv[2], "png")
    print(json.dumps({"seconds": best, "runs": spec.get("runs", 3)}))


if __name__ == "__main__":
    main()
