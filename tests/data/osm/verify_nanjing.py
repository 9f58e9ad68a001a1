#!/usr/bin/env python3
"""Independent check of the national-rule findings on the real Nanjing extract (tests/scan_real.rs).

Reads ../shared/data/nanjing_xinjiekou_2021-06-12.osm with the standard library's XML parser, takes the
school and feature elements by OSM id, and measures them with the geodesic oracle of tests/data/scan
(Python geographiclib, Karney's geodesics; golden-section search along geodesic edges; 0 on overlap).
Closed ways tagged as areas are polygons; waterway=* ways are lines; nodes are points.

    pip install geographiclib==2.1
    python3 tests/data/osm/verify_nanjing.py
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scan"))
import geodesic_oracle as O  # noqa: E402

OSM = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "nanjing_xinjiekou_2021-06-12.osm")

PAIRS = [
    ("node/6110227439", "way/532885965"),
    ("node/6110227439", "way/532885964"),
    ("way/88780395", "way/854857365"),
    ("way/88780395", "way/854857373"),
    ("way/318173790", "way/237043958"),
    ("way/444227092", "node/1492963343"),
    ("way/863056908", "way/237175230"),
]

root = ET.parse(OSM).getroot()
nodes = {n.get("id"): (float(n.get("lon")), float(n.get("lat"))) for n in root.iter("node")}
ways = {}
for w in root.iter("way"):
    tags = {t.get("k"): t.get("v") for t in w.iter("tag")}
    ways[w.get("id")] = ([nodes[nd.get("ref")] for nd in w.iter("nd")], tags)


def shape(ref):
    kind, oid = ref.split("/")
    if kind == "node":
        return O.point_shape(nodes[oid])
    coords, tags = ways[oid]
    if coords[0] == coords[-1] and "waterway" not in tags:
        return O.area_shape([[coords]])
    return O.line_shape(coords)


out = []
for s, f in PAIRS:
    m = O.measure(shape(s), shape(f))
    out.append({"school": "osm:" + s, "feature": "osm:" + f, "distance_m": round(m.metres, 4)})
print(json.dumps(out, indent=1))
