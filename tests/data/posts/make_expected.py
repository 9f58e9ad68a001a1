#!/usr/bin/env python3
"""Writes the guard-post fixtures (instances.json) with their optima from an independent exact solver.

Each instance: schools with gates (WGS84 lon/lat), user candidate points, a radius. The candidate set is
the distinct gates followed by the user points (what `perimeter::posts::plan` builds when gates are
candidates); with "gate_candidates": false it is the user points alone. Distances are Karney geodesics
on WGS84 (geographiclib), the coverage is d <= r, and spopt 0.7.0 solves LSCP and MCLP as MILPs with
CBC (pulp 3.3). Gates with no candidate within r are listed as infeasible and left out of the models.

    pip install --user spopt==0.7.0 pulp geographiclib
    python3 tests/data/posts/make_expected.py   # rewrites tests/data/posts/instances.json
"""
import json
import os
import random

import numpy as np
import pulp
from geographiclib.geodesic import Geodesic
from spopt.locate import LSCP, MCLP

G = Geodesic.WGS84
HERE = os.path.dirname(os.path.abspath(__file__))


def offset(lon, lat, east_m, north_m):
    d = G.Direct(lat, lon, 90.0, east_m)
    d = G.Direct(d["lat2"], d["lon2"], 0.0, north_m)
    return round(d["lon2"], 7), round(d["lat2"], 7)


def make(seed, towns, schools_per_town, spread_m, users, isolated=0):
    rnd = random.Random(seed)
    schools = []
    for t in range(towns):
        tlon, tlat = offset(112.40, 33.45, rnd.uniform(-20000, 20000), rnd.uniform(-20000, 20000))
        for k in range(schools_per_town):
            clon, clat = offset(tlon, tlat, rnd.uniform(-spread_m, spread_m), rnd.uniform(-spread_m, spread_m))
            gates = [offset(clon, clat, rnd.uniform(-90, 90), rnd.uniform(-90, 90)) for _ in range(rnd.randint(1, 3))]
            schools.append({"id": f"S{t}{k:02d}", "pupils": rnd.randint(100, 2000), "gates": gates})
    for k in range(isolated):
        clon, clat = offset(112.40, 33.45, 30000 + 5000 * k, -30000)
        schools.append({"id": f"X{k}", "pupils": 500, "gates": [(clon, clat)]})
    user = []
    for _ in range(users):
        s = rnd.choice(schools[: towns * schools_per_town])
        user.append(offset(s["gates"][0][0], s["gates"][0][1], rnd.uniform(-250, 250), rnd.uniform(-250, 250)))
    return schools, user


def solve(name, schools, user, radius, ps, gate_candidates=True):
    demand, weights, labels = [], [], []
    for s in schools:
        for k, g in enumerate(s["gates"]):
            demand.append(g)
            weights.append(s["pupils"] / len(s["gates"]))
            labels.append((s["id"], f"{s['id']}-G{k + 1}"))
    cands = []
    if gate_candidates:
        for g in demand:
            if g not in cands:
                cands.append(g)
    cands += user
    cost = np.array([[G.Inverse(d[1], d[0], c[1], c[0])["s12"] for c in cands] for d in demand])
    near_tie = np.abs(cost - radius).min()
    assert near_tie > 0.01, f"{name}: a distance within 1 cm of the radius ({near_tie})"
    feasible = (cost <= radius).any(axis=1)
    infeasible = [labels[i][1] for i in range(len(demand)) if not feasible[i]]
    sub = cost[feasible]
    w = np.array(weights)[feasible]
    lscp = LSCP.from_cost_matrix(sub, radius, name=name)
    lscp = lscp.solve(pulp.PULP_CBC_CMD(msg=False))
    n_lscp = int(round(pulp.value(lscp.problem.objective)))
    mclp = {}
    for p in ps:
        m = MCLP.from_cost_matrix(sub, w, radius, p_facilities=p, name=f"{name}-p{p}")
        m = m.solve(pulp.PULP_CBC_CMD(msg=False))
        covered = sum(w[i] for i in range(len(w)) if any(m.cli2fac[i]))
        mclp[str(p)] = round(float(covered), 6)
    return {
        "name": name,
        "radius_m": radius,
        "gate_candidates": gate_candidates,
        "schools": [{"id": s["id"], "pupils": s["pupils"], "gates": [list(g) for g in s["gates"]]} for s in schools],
        "user_candidates": [list(u) for u in user],
        "gates": len(demand),
        "candidates": len(cands),
        "lscp_posts": n_lscp,
        "mclp_covered": mclp,
        "infeasible": infeasible,
    }


def main():
    out = []
    s, u = make(1, 4, 14, 700, 20)
    out.append(solve("towns", s, u, 300.0, [3, 6, 10, 20]))
    s, u = make(2, 2, 30, 1200, 30)
    out.append(solve("dense", s, u, 250.0, [5, 12, 25]))
    s, u = make(4, 2, 40, 1500, 40)
    out.append(solve("wide", s, u, 550.0, [4, 9, 15]))
    s, u = make(3, 3, 10, 600, 25, isolated=2)
    out.append(solve("user_only", s, u, 300.0, [4, 8], gate_candidates=False))
    with open(os.path.join(HERE, "instances.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for o in out:
        print(o["name"], o["gates"], "gates", o["candidates"], "candidates", "lscp", o["lscp_posts"],
              "mclp", o["mclp_covered"], "infeasible", o["infeasible"])


if __name__ == "__main__":
    main()
