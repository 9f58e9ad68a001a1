#!/usr/bin/env python3
"""Solves the guard-post instances that `cargo bench --bench posts` wrote with spopt 0.7.0 (PuLP + CBC)
and prints time and objective beside perimeter's from the same run.

    python3 benches/peers/posts_spopt.py target/posts-bench/*.json

Per instance: distances are Karney geodesics (pyproj.Geod on WGS84, vectorised), coverage d <= r;
spopt's time is the model build from the cost matrix plus the CBC solve (the cost matrix itself is not
timed, as perimeter's time includes its own coverage search); median of SPOPT_RUNS runs (default 3).
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import pulp
from pyproj import Geod
from spopt.locate import LSCP, MCLP

GEOD = Geod(ellps="WGS84")
RUNS = int(os.environ.get("SPOPT_RUNS", "3"))


def cost_matrix(demand, cands):
    d = np.asarray(demand)[:, :2]
    c = np.asarray(cands)
    lon1 = np.repeat(d[:, 0], len(c))
    lat1 = np.repeat(d[:, 1], len(c))
    lon2 = np.tile(c[:, 0], len(d))
    lat2 = np.tile(c[:, 1], len(d))
    _, _, s = GEOD.inv(lon1, lat1, lon2, lat2)
    return s.reshape(len(d), len(c))


def solve(inst, cost):
    r = inst["radius_m"]
    w = np.asarray(inst["demand"])[:, 2]
    if inst["model"] == "lscp":
        m = LSCP.from_cost_matrix(cost, r).solve(pulp.PULP_CBC_CMD(msg=False))
        return float(pulp.value(m.problem.objective))
    m = MCLP.from_cost_matrix(cost, w, r, p_facilities=inst["p"]).solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(m.problem.objective))


def main(paths):
    print(f"{'instance':<20} {'gates':>5} {'cands':>5} {'perimeter s':>11} {'spopt s':>8} {'ratio':>6}  objective perimeter / spopt")
    for p in paths:
        inst = json.load(open(p))
        cost = cost_matrix(inst["demand"], inst["candidates"])
        times, obj = [], None
        for _ in range(RUNS):
            t = time.perf_counter()
            obj = solve(inst, cost)
            times.append(time.perf_counter() - t)
        ours = inst["perimeter"]
        ts = statistics.median(times)
        print(
            f"{inst['name']:<20} {len(inst['demand']):>5} {len(inst['candidates']):>5} {ours['seconds']:>11.4f} "
            f"{ts:>8.3f} {ts / ours['seconds']:>5.0f}×  {ours['objective']:.1f} / {obj:.1f}"
            + ("" if abs(ours["objective"] - obj) <= 1e-6 * max(1.0, abs(obj)) else "  DIFFERENT")
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: posts_spopt.py INSTANCE.json ...")
    main(sys.argv[1:])
