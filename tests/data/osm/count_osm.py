#!/usr/bin/env python3
"""Independent counts for tests/osm.rs: reads an OSM extract with another parser and re-implements the
reader's tag rules, ring assembly and gate distance in plain Python, then prints what the Rust reader
must produce.

    python3 tests/data/osm/count_osm.py ../shared/data/nanjing_xinjiekou_2021-06-12.osm
    python3 tests/data/osm/count_osm.py ../shared/data/monaco_2020-02-25.osm.pbf

OSM XML is parsed with the standard library's xml.etree only; PBF with pyosmium (`pip install osmium`),
which also assembles the multipolygon relations a second time with libosmium as a cross-check.
Keyword rules come from data/categories.toml (tomllib). Distances use an equirectangular frame at the
gate's latitude with the WGS84 radii of curvature (a different formula from the Rust code's local frame
plus mid-latitude re-measure; both agree to micrometres at 5 m).

OSM data is (c) OpenStreetMap contributors, ODbL 1.0.
"""

import math
import os
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = os.path.join(HERE, "..", "..", "..", "data", "categories.toml")
GATE_REACH_M = 5.0


# ---------------------------------------------------------------- reading

def read_xml(path):
    nodes, ntags, ways, rels = {}, {}, {}, {}
    for _, el in ET.iterparse(path, events=("end",)):
        if el.tag not in ("node", "way", "relation"):
            continue
        if el.get("visible") == "false" or el.get("action") == "delete":
            el.clear()
            continue
        i = int(el.get("id"))
        tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
        if el.tag == "node":
            lon, lat = float(el.get("lon")), float(el.get("lat"))
            nodes.setdefault(i, (lon, lat))
            if tags:
                ntags.setdefault(i, tags)
        elif el.tag == "way":
            ways.setdefault(i, ([int(n.get("ref")) for n in el.findall("nd")], tags))
        else:
            mem = [(m.get("type"), int(m.get("ref")), m.get("role", "")) for m in el.findall("member")]
            rels.setdefault(i, (mem, tags))
        el.clear()
    return nodes, ntags, ways, rels


def read_pbf(path):
    import osmium

    nodes, ntags, ways, rels = {}, {}, {}, {}
    kinds = {"n": "node", "w": "way", "r": "relation"}

    class H(osmium.SimpleHandler):
        def node(self, n):
            if n.location.valid():
                nodes.setdefault(n.id, (n.location.lon, n.location.lat))
                tags = {t.k: t.v for t in n.tags}
                if tags:
                    ntags.setdefault(n.id, tags)

        def way(self, w):
            ways.setdefault(w.id, ([n.ref for n in w.nodes], {t.k: t.v for t in w.tags}))

        def relation(self, r):
            mem = [(kinds[m.type], m.ref, m.role) for m in r.members]
            rels.setdefault(r.id, (mem, {t.k: t.v for t in r.tags}))

    H().apply_file(path)
    return nodes, ntags, ways, rels


def osmium_multipolygon_ids(path):
    """Relation ids that libosmium turns into a valid area (the cross-check for the PBF)."""
    import osmium

    ids = set()

    class A(osmium.SimpleHandler):
        def area(self, a):
            if not a.from_way():
                ids.add(a.orig_id())

    A().apply_file(path, locations=True)
    return ids


# ---------------------------------------------------------------- tag rules

def is_school(t):
    return t.get("amenity") in ("school", "kindergarten")


def is_gate(t):
    return t.get("barrier") == "gate" or "entrance" in t


def is_water_area(t):
    return (t.get("natural") == "water" or "water" in t or t.get("waterway") in ("riverbank", "dock")
            or t.get("landuse") in ("reservoir", "basin"))


def is_water_line(t):
    return t.get("waterway") in ("river", "canal", "stream", "ditch", "drain")


VENUE_KEYS = ("amenity", "shop", "leisure", "craft", "office", "tourism", "landuse")


def is_venue_candidate(t, is_node):
    return ("name" in t and any(k in t for k in VENUE_KEYS) and not is_school(t) and not is_water_area(t)
            and not is_water_line(t) and (is_node or "highway" not in t))


def school_kind_from_name(name):
    n = name.lower()
    table = [
        ("not-covered", ["大学", "学院", "教师进修", "进修学校", "培训", "老年", "党校", "成人", "夜校", "驾校",
                         "university", "college", "training"]),
        ("special", ["特殊教育", "特教", "培智", "聋哑", "盲校", "启智"]),
        ("kindergarten", ["幼儿园", "幼稚园", "托儿所", "kindergarten", "nursery"]),
        ("nine-year", ["九年一贯", "九年制"]),
        ("vocational", ["职业", "职教", "中专", "技校", "技工", "vocational"]),
        ("complete-secondary", ["完全中学"]),
        ("junior", ["初中", "初级中学", "junior"]),
        ("senior", ["高中", "高级中学", "senior high", "high school", "lycée", "lycee"]),
        ("complete-secondary", ["中学", "secondary", "collège", "college-"]),
        ("primary", ["小学", "primary", "elementary", "école", "ecole"]),
        ("other", ["学校", "school", "学堂"]),
    ]
    for kind, words in table:
        if any(w in n for w in words):
            return kind
    return None


def school_kind(t):
    if t.get("amenity") == "kindergarten":
        return "kindergarten"
    for k in ("name", "name:zh", "name:en"):
        if k in t:
            kind = school_kind_from_name(t[k])
            if kind not in (None, "other"):
                return kind
    if "isced:level" in t:
        levels = sorted({int(x) for x in t["isced:level"].replace(",", ";").replace("-", ";").replace(" ", ";").split(";")
                         if x.strip().isdigit()})
        if levels:
            lo, hi = levels[0], levels[-1]
            table = {(0, 0): "kindergarten", (1, 1): "primary", (2, 2): "junior", (3, 3): "senior",
                     (1, 2): "nine-year", (2, 3): "complete-secondary"}
            return table.get((lo, hi), "not-covered" if lo >= 4 else "other")
    hints = {
        "kindergarten": "kindergarten", "preschool": "kindergarten", "pre_school": "kindergarten",
        "maternelle": "kindergarten", "nursery": "kindergarten", "primary": "primary", "elementary": "primary",
        "primaire": "primary", "élémentaire": "primary", "elementaire": "primary", "junior": "junior",
        "middle": "junior", "lower_secondary": "junior", "collège": "junior", "college": "junior",
        "senior": "senior", "high": "senior", "upper_secondary": "senior", "lycée": "senior", "lycee": "senior",
        "secondary": "complete-secondary", "vocational": "vocational", "professional": "vocational",
        "lycée_professionnel": "vocational", "special": "special", "special_education": "special",
        "special_needs": "special", "university": "not-covered", "higher_education": "not-covered",
        "adult": "not-covered", "tertiary": "not-covered",
    }
    for k in ("school", "school:type", "school:FR", "school:MC"):
        v = t.get(k, "").strip().lower()
        if v in hints:
            return hints[v]
    return "other"


WATER_VALUES = {
    "river": "river", "canal": "canal", "pond": "pond", "reservoir": "reservoir", "lake": "lake",
    "pit": "pit", "other": "other", "stream": "river", "ditch": "river", "drain": "river", "basin": "pond",
    "riverbank": "river", "oxbow": "lake", "lagoon": "lake", "moat": "canal", "reflecting_pool": "pond",
}


def water_kind_from_name(name):
    for kind, words in [("reservoir", ["水库"]), ("canal", ["渠", "运河", "canal"]),
                        ("river", ["河", "江", "溪", "river", "stream"]), ("lake", ["湖", "lake"]),
                        ("pit", ["坑"]), ("pond", ["塘", "池", "pond"])]:
        if any(w in name for w in words):
            return kind
    return None


def water_kind(t):
    for k in ("water", "waterway", "landuse"):
        v = t.get(k)
        if v is not None and v in WATER_VALUES:
            return WATER_VALUES[v]
    for k in ("name", "name:zh", "name:en"):
        if k in t:
            kind = water_kind_from_name(t[k])
            if kind:
                return kind
    return "other"


class Classifier:
    def __init__(self, path):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        rules = doc["category"]
        self.ignored = [tuple(x.split("=", 1)) for x in doc.get("name_ignored_for", [])]
        self.keywords = [(r["name"], [k.lower() for k in r.get("keywords", [])]) for r in rules]
        self.tags = [(r["name"], [[tuple(p.split("=", 1)) for p in s.split(";")] for s in r.get("tags", [])])
                     for r in rules]

    @staticmethod
    def _has(text, kw):
        if not kw.isascii():
            return kw in text
        start = 0
        while True:
            i = text.find(kw, start)
            if i < 0:
                return False
            j = i + len(kw)
            before = i == 0 or not (text[i - 1].isascii() and text[i - 1].isalnum())
            after = j == len(text) or not (text[j].isascii() and text[j].isalnum())
            if before and after:
                return True
            start = i + 1

    def classify(self, name, t):
        if any(t.get(k) == v for k, v in self.ignored):
            for cat, sets in self.tags:
                if any(all(t.get(k.strip()) == v.strip() for k, v in s) for s in sets):
                    return cat
            return "other"
        low = name.lower()
        for cat, kws in self.keywords:
            if any(self._has(low, k) for k in kws):
                return cat
        for cat, sets in self.tags:
            if any(all(t.get(k.strip()) == v.strip() for k, v in s) for s in sets):
                return cat
        return "other"


def keep_venue(t, cat):
    return cat != "other" or any(k in t for k in ("amenity", "shop", "leisure"))


# ---------------------------------------------------------------- geometry

def closed(refs):
    return len(refs) >= 4 and refs[0] == refs[-1]


def join(chains):
    """Joins chains into closed rings by repeatedly gluing any two chains that share an end node."""
    rings = [c for c in chains if closed(c)]
    pieces = [list(c) for c in chains if not closed(c) and len(c) >= 2]
    changed = True
    while changed:
        changed = False
        for a in range(len(pieces)):
            for b in range(len(pieces)):
                if a == b or pieces[a] is None or pieces[b] is None:
                    continue
                pa, pb = pieces[a], pieces[b]
                if pa[-1] == pb[0]:
                    pieces[a] = pa + pb[1:]
                elif pa[-1] == pb[-1]:
                    pieces[a] = pa + pb[::-1][1:]
                else:
                    continue
                pieces[b] = None
                changed = True
        done = [p for p in pieces if p is not None and closed(p)]
        rings += done
        pieces = [p for p in pieces if p is not None and not closed(p)]
    return rings, pieces


def point_in_ring(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xc:
                inside = not inside
    return inside


def ring_area(ring):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))) / 2


def multipolygon(nodes, ways, members):
    """Returns (list of (outer, [holes]), problems) using only the rules, not the Rust code."""
    outer_chains, inner_chains, problems = [], [], 0
    for typ, ref, role in members:
        if typ != "way" or role not in ("outer", "inner", ""):
            continue
        if ref not in ways:
            problems += 1
            continue
        (inner_chains if role == "inner" else outer_chains).append(ways[ref][0])
    polys = []
    for chains, is_inner in ((outer_chains, False), (inner_chains, True)):
        rings, open_ = join(chains)
        problems += len(open_)
        for r in rings:
            if all(n in nodes for n in r):
                polys.append((is_inner, [nodes[n] for n in r]))
            else:
                problems += 1
    outers = [(r, []) for inner, r in polys if not inner]
    for inner, r in polys:
        if not inner:
            continue
        # a vertex of the hole that is not a vertex of any outer, tested by ray casting
        owner = None
        for o, holes in sorted(outers, key=lambda oh: ring_area(oh[0])):
            if ring_area(o) <= ring_area(r):
                continue
            verts = set(o)
            probe = next((p for p in r if p not in verts), None)
            if probe is not None and point_in_ring(probe[0], probe[1], o):
                owner = holes
                break
        if owner is None:
            problems += 1
        else:
            owner.append(r)
    return outers, problems


A = 6378137.0
E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)


def metres_per_degree(lat):
    s = math.sin(math.radians(lat))
    w = math.sqrt(1 - E2 * s * s)
    n = A / w
    m = A * (1 - E2) / (w ** 3)
    return m * math.pi / 180, n * math.cos(math.radians(lat)) * math.pi / 180


def distance_to_area(p, polys):
    x, y = p
    for outer, holes in polys:
        if point_in_ring(x, y, outer) and not any(point_in_ring(x, y, h) for h in holes):
            return 0.0
    ky, kx = metres_per_degree(y)
    best = math.inf
    for outer, holes in polys:
        for ring in [outer] + holes:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay = (x1 - x) * kx, (y1 - y) * ky
                bx, by = (x2 - x) * kx, (y2 - y) * ky
                dx, dy = bx - ax, by - ay
                l2 = dx * dx + dy * dy
                t = 0.0 if l2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / l2))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


# ---------------------------------------------------------------- counting

def main(path):
    pbf = path.endswith(".pbf")
    nodes, ntags, ways, rels = (read_pbf if pbf else read_xml)(path)
    clf = Classifier(CATEGORIES)
    schools, venues, water, gates, skipped = [], [], [], [], 0

    for i, t in ntags.items():
        if is_gate(t):
            gates.append((i, nodes[i]))
        if is_school(t):
            schools.append((f"osm:node/{i}", t, "point", None))
        elif is_venue_candidate(t, True):
            cat = clf.classify(t["name"], t)
            if keep_venue(t, cat):
                venues.append((f"osm:node/{i}", t["name"], cat, "door"))

    for i, (refs, t) in ways.items():
        school, warea, wline, venue = is_school(t), is_water_area(t), is_water_line(t), is_venue_candidate(t, False)
        if not (school or warea or wline or venue):
            continue
        if not all(n in nodes for n in refs):
            skipped += 1
            continue
        shape = [[([nodes[n] for n in refs], [])]] if closed(refs) else None
        wid = f"osm:way/{i}"
        if school:
            if shape:
                schools.append((wid, t, "polygon", shape[0]))
            else:
                skipped += 1
        elif warea and shape:
            water.append((wid, water_kind(t), "area"))
        elif wline:
            water.append((wid, water_kind(t), "line"))
        elif warea:
            skipped += 1
        else:
            cat = clf.classify(t["name"], t)
            if keep_venue(t, cat):
                venues.append((wid, t["name"], cat, "area" if shape else "door"))

    built = set()
    for i, (members, t) in rels.items():
        if t.get("type") != "multipolygon":
            continue
        school, warea, venue = is_school(t), is_water_area(t), is_venue_candidate(t, False)
        if not (school or warea or venue):
            continue
        polys, problems = multipolygon(nodes, ways, members)
        skipped += problems
        rid = f"osm:relation/{i}"
        if not polys:
            skipped += 1
            continue
        built.add(i)
        if school:
            schools.append((rid, t, "polygon", polys))
        elif warea:
            water.append((rid, water_kind(t), "area"))
        else:
            cat = clf.classify(t["name"], t)
            if keep_venue(t, cat):
                venues.append((rid, t["name"], cat, "area"))

    if pbf:
        candidates = {i for i, (_, t) in rels.items() if t.get("type") == "multipolygon"
                      and (is_school(t) or is_water_area(t) or is_venue_candidate(t, False))}
        by_osmium = osmium_multipolygon_ids(path) & candidates
        print(f"cross-check: relations built here {sorted(built)}, by libosmium {sorted(by_osmium)}",
              "OK" if by_osmium == built else "MISMATCH")

    attached = Counter()
    near = []
    for gid, p in gates:
        best = None
        for sid, _, geom, polys in schools:
            if geom != "polygon":
                continue
            d = distance_to_area(p, polys)
            if d <= 10:
                near.append((gid, sid, round(d, 3)))
            if d <= GATE_REACH_M and (best is None or d < best[0]):
                best = (d, sid)
        if best:
            attached[best[1]] += 1
            print(f"gate osm:node/{gid} -> {best[1]} at {best[0]:.3f} m")
    for gid, sid, d in near:
        if d > GATE_REACH_M:
            print(f"gate osm:node/{gid} near {sid} at {d:.3f} m: not attached")

    print(f"== {os.path.basename(path)}")
    print("schools (kind, site):", sorted(Counter((school_kind(t), g) for _, t, g, _ in schools).items()))
    print("venues (category, footprint):", sorted(Counter((c, g) for _, _, c, g in venues).items()))
    print("venues total:", len(venues))
    print("water (kind, geometry):", sorted(Counter((k, g) for _, k, g in water).items()))
    print("gate nodes:", len(gates), "attached:", sum(attached.values()), sorted(attached.items()))
    print("skipped:", skipped)
    for sid, t, g, _ in schools:
        print("  school", sid, t.get("name") or t.get("name:zh") or t.get("name:en") or sid, school_kind(t), g)
    for vid, name, cat, g in sorted(venues):
        if cat != "other":
            print("  venue", vid, name, cat, g)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
