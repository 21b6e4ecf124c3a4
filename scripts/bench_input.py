#!/usr/bin/python3
"""Writes the CSV tables of the benchmark workload to DIR.

bench_input.py DIR [--series N] [--years Y]: N load series (default 100) over
Y projected years (default 16: base year 2024, horizon 2040), spread over 10
ports and 5 partners by rail and road, with every section 3 feature on
(trend uncertainty, momentum, three factor levels, shocks), one scenario and
no capacity groups: the demand-only workload of scripts/bench. The figures
are synthetic and stand for nothing real."""
import argparse
import csv
import os

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--series", type=int, default=100)
ap.add_argument("--years", type=int, default=16)
a = ap.parse_args()
os.makedirs(a.dir, exist_ok=True)


def table(name, header, rows):
    with open(os.path.join(a.dir, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


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
