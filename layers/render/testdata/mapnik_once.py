#!/usr/bin/python3
"""Render GeoPackage layers through Mapnik once and write a PNG: the whole
process is what a one-off render costs (compare `lantuctl render`).

Usage: mapnik_once.py SPEC.json OUT.png (SPEC as for mapnik_bench.py).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mapnik_bench  # noqa: E402  (exits 3 when mapnik is missing)


def main():
    spec = json.load(open(sys.argv[1]))
    m = mapnik_bench.build(spec)
    im = mapnik_bench.mapnik.Image(m.width, m.height)
    mapnik_bench.mapnik.render(m, im)
    im.save(sys.argv[2], "png")


if __name__ == "__main__":
    main()
