"""Generates the reader fixtures in this directory (deterministic: no randomness).

    pip install pyproj pyshp coord-convert
    python3 tests/data/load/make_fixtures.py

Independent tools, so the Rust readers are checked against other implementations:
- pyproj (PROJ) projects the WGS84 originals to EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E);
- coord-convert (PyPI, the public GCJ-02 forward transform on the Krasovsky ellipsoid, a = 6378245 m) makes
  the GCJ-02 coordinates. (The PyPI `eviltransform` uses a = 6378137 m in that formula, which moves
  points in Henan by about 1 cm: not the GCJ-02 that Amap serves.);
- pyshp writes the Shapefiles (GBK and UTF-8 attributes), encoding text itself.
The WGS84 originals are repeated as constants in tests/load_readers.rs.
"""

import json
import os
import shutil

from coord_convert.transform import wgs2gcj
import shapefile
from pyproj import CRS, Transformer

HERE = os.path.dirname(os.path.abspath(__file__))
TO_4547 = Transformer.from_crs(4326, 4547, always_xy=True)
PRJ_4547 = CRS.from_epsg(4547).to_wkt("WKT1_ESRI")
PRJ_WGS84 = CRS.from_epsg(4326).to_wkt("WKT1_ESRI")


def path(name):
    return os.path.join(HERE, name)


def rect(lon0, lat0, lon1, lat1, clockwise):
    """A closed rectangle ring in lon/lat; clockwise seen with x east, y north."""
    ring = [(lon0, lat0), (lon0, lat1), (lon1, lat1), (lon1, lat0), (lon0, lat0)]
    return ring if clockwise else ring[::-1]


def proj(ring):
    return [list(TO_4547.transform(x, y)) for x, y in ring]


# --- Schools: WGS84 originals (near 南召县城, lon 112.43, lat 33.49) ------------------------------
S1_OUTER = rect(112.4300, 33.4900, 112.4316, 33.4910, True)   # ~150 m x 110 m campus
S1_HOLE = rect(112.4304, 33.4903, 112.4308, 33.4906, False)   # a private plot inside
S2_OUTER = rect(112.4400, 33.4950, 112.4412, 33.4958, True)
S3_A = rect(112.4500, 33.5000, 112.4510, 33.5008, True)       # two campuses, one school
S3_B = rect(112.4520, 33.5000, 112.4526, 33.5005, True)
S4_POINT = (112.4250, 33.4870)

SCHOOLS = [
    ("4113210001", "南召县第一初级中学", "城关镇", 1200, [S1_OUTER, S1_HOLE]),
    ("4113210002", "南召县城关镇中心小学", "城关镇", 800, [S2_OUTER]),
    ("4113210003", "南召县云阳镇九年一贯制学校", "云阳镇", 950, [S3_A, S3_B]),
]


def geojson_4547():
    feats = []
    for code, name, town, pupils, rings in SCHOOLS[:2]:
        feats.append({
            "type": "Feature",
            "id": code,
            "properties": {"name": name, "township": town, "pupils": pupils},
            "geometry": {"type": "Polygon", "coordinates": [proj(r) for r in rings]},
        })
    feats.append({
        "type": "Feature",
        "id": "4113210004",
        "properties": {"name": "南召县城关镇第二幼儿园", "township": None},
        "geometry": {"type": "Point", "coordinates": list(TO_4547.transform(*S4_POINT))},
    })
    fc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
        "features": feats,
    }
    with open(path("schools_4547.geojson"), "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False, indent=1)


def geojson_bare_array():
    feats = [
        {"type": "Feature", "id": 1,
         "properties": {"名称": "麦乐迪KTV", "地址": "城关镇人民路12号"},
         "geometry": {"type": "Point", "coordinates": [112.4321, 33.4912]}},
        {"type": "Feature", "id": 2,
         "properties": {"名称": "星际网络会所", "场所类别": "internet_cafe", "open": True, "floors": 2},
         "geometry": {"type": "Polygon", "coordinates": [[
             [112.4330, 33.4915], [112.4330, 33.4917], [112.4333, 33.4917], [112.4333, 33.4915],
             [112.4330, 33.4915]]]}},
        {"type": "Feature", "id": 3,
         "properties": {"名称": "城南加油站", "note": None},
         "geometry": {"type": "Point", "coordinates": [112.4290, 33.4880]}},
    ]
    with open(path("venues_array.geojson"), "w", encoding="utf-8") as f:
        json.dump(feats, f, ensure_ascii=False, indent=1)


def gates_geojson():
    feats = [
        {"type": "Feature", "properties": {"id": "G1", "school_id": "4113210001", "name": "正门"},
         "geometry": {"type": "Point", "coordinates": [112.4308, 33.4900]}},
        {"type": "Feature", "properties": {"id": "G2", "school_id": "4113210001", "name": "北门"},
         "geometry": {"type": "Point", "coordinates": [112.4308, 33.4910]}},
        {"type": "Feature", "properties": {"id": "G3", "school_id": "4113210002"},
         "geometry": {"type": "Point", "coordinates": [112.4406, 33.4950]}},
        {"type": "Feature", "properties": {"id": "G9", "school_id": "4113219999"},
         "geometry": {"type": "Point", "coordinates": [112.4600, 33.5100]}},
    ]
    fc = {"type": "FeatureCollection", "features": feats}
    with open(path("gates.geojson"), "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False, indent=1)


def write_side(base, prj=None, cpg=None):
    if prj is not None:
        with open(base + ".prj", "w") as f:
            f.write(prj)
    if cpg is not None:
        with open(base + ".cpg", "w") as f:
            f.write(cpg)


def shp_schools(base, cpg):
    w = shapefile.Writer(path(base), shapeType=shapefile.POLYGON, encoding="gbk")
    w.field("学校代码", "C", 10)
    w.field("学校名称", "C", 40)
    w.field("乡镇", "C", 20)
    w.field("学生数", "N", 6, 0)
    for code, name, town, pupils, rings in SCHOOLS:
        w.poly([proj(r) for r in rings])
        w.record(code, name, town, pupils)
    w.close()
    write_side(path(base), PRJ_4547, cpg)


def shp_points_utf8():
    base = "schools_points_utf8"
    w = shapefile.Writer(path(base), shapeType=shapefile.POINT, encoding="utf-8")
    w.field("ID", "C", 10)
    w.field("NAME", "C", 60)
    w.field("KIND", "C", 20)
    w.point(112.4100, 33.4800)
    w.record("P1", "南召县皇后乡中心幼儿园", "")
    w.point(112.4150, 33.4820)
    w.record("P2", "南召县留山镇希望小学", "九年一贯制")
    w.close()
    write_side(path(base), PRJ_WGS84, "UTF-8")


def shp_water():
    # PolygonZ, WGS84 .prj, UTF-8 detected (no .cpg).
    base = "water_polygonz"
    w = shapefile.Writer(path(base), shapeType=shapefile.POLYGONZ, encoding="utf-8")
    w.field("NAME", "C", 40)
    ring = [(x, y, 120.0) for x, y in rect(112.4330, 33.4890, 112.4336, 33.4894, True)]
    w.polyz([ring])
    w.record("东湾坑塘")
    ring = [(x, y, 130.0) for x, y in rect(112.4600, 33.5200, 112.4700, 33.5300, True)]
    w.polyz([ring])
    w.record("鸭河口水库")
    w.close()
    write_side(path(base), PRJ_WGS84, None)
    # PolyLine, no .prj: the CRS must be declared.
    base = "water_lines_noprj"
    w = shapefile.Writer(path(base), shapeType=shapefile.POLYLINE, encoding="utf-8")
    w.field("NAME", "C", 40)
    w.line([[(112.4200, 33.4850), (112.4300, 33.4860), (112.4400, 33.4880)]])
    w.record("白河")
    w.line([[(112.4200, 33.4700), (112.4250, 33.4720)], [(112.4260, 33.4725), (112.4300, 33.4740)]])
    w.record("东干渠")
    w.close()


def shp_venues():
    # MultiPoint (one point each) and PolygonM footprints; UTF-8 .cpg, WGS84 .prj.
    base = "venues_multipoint"
    w = shapefile.Writer(path(base), shapeType=shapefile.MULTIPOINT, encoding="utf-8")
    w.field("NAME", "C", 40)
    w.multipoint([(112.4310, 33.4915)])
    w.record("好运来体彩投注站")
    w.close()
    write_side(path(base), PRJ_WGS84, "UTF-8")
    base = "venues_polygonm"
    w = shapefile.Writer(path(base), shapeType=shapefile.POLYGONM, encoding="utf-8")
    w.field("NAME", "C", 40)
    w.polym([[(x, y, 0.0) for x, y in rect(112.4280, 33.4880, 112.4284, 33.4883, True)]])
    w.record("中石化城南加油站")
    w.close()
    write_side(path(base), PRJ_WGS84, "UTF-8")


def shp_truncated():
    shutil.copy(path("schools_gbk.dbf"), path("schools_truncated.dbf"))
    shutil.copy(path("schools_gbk.shx"), path("schools_truncated.shx"))
    write_side(path("schools_truncated"), PRJ_4547, "GBK")
    with open(path("schools_gbk.shp"), "rb") as f:
        data = f.read()
    with open(path("schools_truncated.shp"), "wb") as f:
        f.write(data[:-40])


# --- Venues as CSV -----------------------------------------------------------------------------
CSV_VENUES = [
    ("V001", "星际网咖", 112.4322, 33.4921, "互联网上网服务", "城关镇人民路18号"),
    ("V002", "金嗓子练歌房", 112.4291, 33.4897, "歌舞娱乐", "城关镇解放街3号"),
    ("V003", "中国福利彩票4113210号", 112.4412, 33.4961, "", "城关镇建设路9号"),
    ("V004", "便民超市", 112.4305, 33.4889, "日用百货、卷烟零售", ""),
    ("V005", "城南加油站", 112.4290, 33.4880, "", ""),
]


def csv_gcj02_bom():
    lines = ["编号,名称,经度,纬度,经营范围,地址"]
    for vid, name, lon, lat, scope, addr in CSV_VENUES:
        glon, glat = wgs2gcj(lon, lat)
        lines.append(f"{vid},{name},{glon!r},{glat!r},{scope},{addr}")
    with open(path("venues_gcj02_bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))


def csv_gbk():
    lines = ["名称;lng;lat;场所类别"]
    for vid, name, lon, lat, scope, addr in CSV_VENUES:
        cat = "lottery" if "彩票" in name else ""
        lines.append(f"{name};{lon};{lat};{cat}")
    with open(path("venues_gbk.csv"), "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("gbk"))


def csv_wkt():
    rows = [
        "id\tname\twkt",
        "W1\t东湾坑塘\tPOLYGON ((112.433 33.489, 112.433 33.4894, 112.4336 33.4894, 112.4336 33.489, 112.433 33.489))",
        "W2\t白河\tLINESTRING (112.42 33.485, 112.43 33.486, 112.44 33.488)",
        "W3\t鸭河口水库\tMULTIPOLYGON (((112.46 33.52, 112.46 33.53, 112.47 33.53, 112.47 33.52, 112.46 33.52)))",
    ]
    with open(path("water_wkt.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


def fix_dbf_dates():
    """pyshp stamps today's date into every .dbf header (bytes 1-3); pin it so runs give the same bytes."""
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".dbf"):
            with open(path(name), "r+b") as f:
                f.seek(1)
                f.write(bytes([124, 1, 1]))  # 2024-01-01


if __name__ == "__main__":
    geojson_4547()
    geojson_bare_array()
    gates_geojson()
    shp_schools("schools_gbk", "GBK")
    shp_schools("schools_gbk_nocpg", None)
    shp_points_utf8()
    shp_water()
    shp_venues()
    shp_truncated()
    csv_gcj02_bom()
    csv_gbk()
    csv_wkt()
    fix_dbf_dates()
    print("wrote fixtures to", HERE)
