#!/usr/bin/python3
"""Writes the CSV tables of a benchmark workload to DIR.

bench_input.py DIR [--series N] [--years Y]: N load series (default 100) over
Y projected years (default 16: base year 2024, horizon 2040), spread over 10
ports and 5 partners by rail and road, with every section 3 feature on
(trend uncertainty, momentum, three factor levels, shocks), one scenario and
no capacity groups: the demand-only workload of scripts/bench. The figures
are synthetic and stand for nothing real.

bench_input.py DIR --copies-of INPUT --series N [--shared-ports]: N series
(default 100) made of copies of the CSV input INPUT (e.g. inputs/xinjiang),
the many-series workload of scripts/bench. Copy 0 is INPUT itself; copy k > 0
has ids with the suffix _k: its own ports, partners, capacity groups,
expansions, series, targets, adjustments, history, routes, new corridors,
captures and markets, so that each copy is a
region of its own and a series keeps the few diversion alternatives it has in
INPUT. The last copy keeps the first series of INPUT only (a derived series
follows its load series, so none loses its source). With --shared-ports the
copies keep INPUT's ports, partners, groups and everything else, and only the
series are copied: then every copy of a series is a diversion alternative of
the copies of its alternatives, and the alternatives of a series grow with N
(the model's diversion work is per alternative), and capacity groups carry
the load of every copy."""
import argparse
import csv
import os

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--series", type=int, default=100)
ap.add_argument("--years", type=int, default=16)
ap.add_argument("--copies-of", dest="copies_of", default=None)
ap.add_argument("--shared-ports", dest="shared_ports", action="store_true")
a = ap.parse_args()
os.makedirs(a.dir, exist_ok=True)


def read(name):
    path = os.path.join(a.copies_of, name + ".csv")
    if not os.path.exists(path):
        return None, []
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def copies():
    tables = {}
    for name in sorted(f[:-4] for f in os.listdir(a.copies_of) if f.endswith(".csv")):
        tables[name] = read(name)
    series = tables["series"][1]
    ncopies = (a.series + len(series) - 1) // len(series)
    # columns that hold ids of a copied table, by table; '*' and '' stay
    ref = {"ports": {"id": "port"}, "partners": {"id": "partner"}, "groups": {"id": "group", "port": "port"},
           "expansions": {"id": "expansion", "group": "group"}, "expansion_years": {"expansion": "expansion"},
           "series": {"id": "series", "port": "port", "partner": "partner", "source_series": "series",
                      "share_group": "series"},
           "targets": {"id": "target", "ports": "port", "partners": "partner"},
           "adjustments": {"port": "port", "partner": "partner"}, "history": {"series": "series"},
           "routes": {"series": "series", "node": "group"}, "corridors": {"series": "series", "expansion": "expansion"},
           "captures": {"corridor": "series", "from": "series"}, "markets": {"partner": "partner"}}
    if a.shared_ports:
        ref = {"series": {"id": "series", "source_series": "series", "share_group": "series"},
               "routes": {"series": "series"},
               "corridors": {"series": "series"}, "captures": {"corridor": "series", "from": "series"}}

    def rename(v, k):
        if k == 0 or v in ("", "*"):
            return v
        return "|".join(x + f"_{k}" for x in v.split("|"))

    out = {name: [] for name in tables}
    for k in range(ncopies):
        for name, (header, rows) in tables.items():
            if name not in ref:
                if k == 0:
                    out[name] = rows
                continue
            for r in rows:
                if name == "series" and len(out["series"]) >= a.series:
                    break
                cols = ref[name]
                if name == "adjustments" and k > 0 and all(r[c] in ("", "*") for c in cols):
                    continue  # applies to every copy already
                out[name].append({c: rename(v, k) if c in cols else v for c, v in r.items()})
    kept = {r["id"] for r in out["series"]}
    out["history"] = [r for r in out.get("history", []) if r["series"] in kept]
    # the network (schema version 2) of the series kept
    for name, cols in (("routes", ["series"]), ("corridors", ["series"]), ("captures", ["corridor", "from"])):
        if name in out:
            out[name] = [r for r in out[name] if all(r[c] in kept for c in cols)]
    for name, (header, _) in tables.items():
        table(name, header, [[r[c] for c in header] for r in out[name]])


def table(name, header, rows):
    with open(os.path.join(a.dir, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


if a.copies_of:
    copies()
    raise SystemExit(0)
table("meta", ["key", "value"], [["schema_version", 1], ["title", "Corridor benchmark workload (synthetic)"],
                                 ["base_year", 2024], ["horizon_year", 2024 + a.years]])
ports = [f"P{i:02d}" for i in range(10)]
partners = [f"C{i}" for i in range(5)]
table("ports", ["id", "name", "kind", "lat", "lon"], [[p, p, "land", 44, 80 + i] for i, p in enumerate(ports)])
table("partners", ["id", "name", "kind"], [[c, c, "partner"] for c in partners])
table("metrics", ["id", "unit"], [["freight", "tonnes"]])
rows = []
for i in range(a.series):
    port, partner, mode = ports[i % 10], partners[(i // 10) % 5], ["rail", "road"][(i // 50) % 2]
    rows.append([f"S{i:03d}", port, partner, mode, "freight", "load", 1e6 * (1 + i % 7), 0.04 + 0.001 * (i % 5),
                 0.02, 0.05, 0.3, 0.03, 0.02, 0.02, 1])
table("series", ["id", "port", "partner", "mode", "metric", "kind", "base_value", "mu", "tau", "sigma", "phi",
                 "b_region", "b_partner", "b_port", "shock_exposure"], rows)
table("scenarios", ["id", "name", "region_shock_prob", "region_shock_mean", "region_shock_sd", "partner_shock_prob",
                    "partner_shock_mean", "partner_shock_sd", "shock_decay"],
      [["baseline", "Baseline", 0.04, 0.25, 0.15, 0.05, 0.15, 0.1, 0.5]])
