"""Seeds the fuzz corpora from the reader fixtures (tests/data/load): python3 fuzz/make_seeds.py"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "load")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


for name in sorted(os.listdir(DATA)):
    path = os.path.join(DATA, name)
    data = open(path, "rb").read()
    if name.endswith(".geojson"):
        put("geojson_reader", name, data)
    elif name.endswith(".csv"):
        put("csv_reader", name, data)
    elif name.endswith(".shp") and os.path.exists(path[:-4] + ".dbf"):
        dbf = open(path[:-4] + ".dbf", "rb").read()
        put("shp_reader", name, struct.pack("<H", len(data)) + data + dbf)
