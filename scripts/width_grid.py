#!/usr/bin/env python3
"""Widths of the load series by a proper score over the backtest (issue 17 point 5).

For each pool (mode and metric) with enough backtest cases, every (sigma, tau, phi) of a
small grid is written into a temporary copy of the input (the pool's load rows, with and
without history: the new corridors take their pool's widths), `corridor backtest` is run
over origins 2010-2023, and the pool's mean CRPS on ln values (the weighted interval score of
the 7 quantiles, docs/MODEL.md section 10) is taken. The pools' series are projected
independently of each other (the factors only correlate paths), so one backtest scores every
pool at a grid point. Printed per pool: the best point over every case, and two honest checks
of the choice, each choosing on one part of the cases and scoring on the other:
  - leave-future-out: chosen on the cases whose actual year is at most --split-year, scored on
    the later ones (against the input's widths and the whole-sample choice on the same cases);
  - leave-one-port-out: chosen on the other ports' cases, scored on the port's (pools of 2
    ports or more).
Usage (inputs/README.md, History and backtest):
  /usr/bin/python3 scripts/width_grid.py build/corridor inputs/xinjiang
Needs numpy and h5py. Writes nothing outside a temporary folder.
"""
import argparse
import csv
import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SIGMAS = [0.06, 0.09, 0.12, 0.15, 0.18, 0.21, 0.25, 0.30]
TAUS = [0.0, 0.01, 0.02, 0.03, 0.045, 0.06, 0.09]
PHIS = [-0.3, 0.0, 0.3]


def read_series(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write_series(rows, path):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    with open(path, "w", newline="") as f:
        f.write(buf.getvalue())


def backtest(corridor, inp, paths, seed, threads, origins, tmp):
    out = os.path.join(tmp, "bt.h5")
    if os.path.exists(out):
        os.remove(out)
    cmd = [corridor, "backtest", inp, "--origin", ",".join(map(str, origins)), "-n", str(paths), "-s", str(seed),
           "-b", "cpu", "-t", str(threads), "-o", out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        ser = [s.decode() if isinstance(s, bytes) else s for s in f["case_series"][()]]
        return dict(series=np.array(ser), year=f["case_year"][()], origin=f["case_origin"][()],
                    crps=f["case_crps"][()], iscore=f["case_interval_score"][()], q=f["case_quantile"][()],
                    actual=f["case_actual"][()])


def coverage(c, mask):
    q, a = c["q"][mask], c["actual"][mask]
    return [np.mean((a >= q[:, 3 - k]) & (a <= q[:, 3 + k])) for k in (1, 2, 3)]  # 50, 80, 90%


def spread(sigma, tau, phi, h=16):
    """sd of ln demand h years ahead from the trend draw and the growth noise (section 3; no factors, no shocks)"""
    x, tot = 0.0, 0.0  # var of the sum of an AR(1) growth deviation started at 0
    coef = np.zeros(h)  # weight of e_t in the level at h: sum_{k=0}^{h-t} phi^k
    for t in range(h):
        coef[t] = sum(phi ** k for k in range(h - t))
    return float(np.sqrt(tau ** 2 * h ** 2 + sigma ** 2 * np.sum(coef ** 2)))


def wilson(k, n, z=1.96):
    p, z2 = k / n, z * z
    d = 1 + z2 / n
    c = (p + z2 / (2 * n)) / d
    w = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / d
    return c - w, c + w


def calibrated(r, m):
    n = int(m.sum())
    for lv, cv in zip((0.5, 0.8, 0.9), coverage(r, m)):
        lo, hi = wilson(round(cv * n), n)
        if not lo <= lv <= hi:
            return False
    return True


def choose(res, m, crps, grid):
    """The rule (inputs/README.md, History and backtest): the grid points whose mean CRPS is within one
    standard error (of the paired per-case difference) of the lowest; of those, the ones whose 50/80/90%
    coverage Wilson intervals hold the nominal rates (if none does, the calibrated point of lowest
    mean CRPS over the whole grid; if no point is calibrated, all the near ones); of those, the ones
    whose coverage is nearest the nominal rates (the sum of |coverage - rate| over 50/80/90%, in whole
    cases); of those, the narrowest 16-year spread of ln demand. Calibration before sharpness: among
    points the score cannot tell apart, the narrowest alone leans to intervals that hold the rates
    only at the edge of their Wilson intervals."""
    b = int(np.argmin(crps))
    near = []
    for i, r in enumerate(res):
        d = r["crps"][m] - res[b]["crps"][m]
        se = d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else 0.0
        if crps[i] - crps[b] <= se:
            near.append(i)
    cal = [i for i in near if calibrated(res[i], m)]
    if not cal:  # none near the lowest is calibrated: the calibrated point of lowest mean CRPS
        allc = [i for i in range(len(res)) if calibrated(res[i], m)]
        cal = [min(allc, key=lambda i: crps[i])] if allc else near
    n = int(m.sum())

    def miss(i):  # coverage off the nominal rates, in cases
        return round(sum(abs(cv - lv) for lv, cv in zip((0.5, 0.8, 0.9), coverage(res[i], m))) * n)

    return min(cal, key=lambda i: (miss(i), spread(*grid[i]), crps[i]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corridor")
    ap.add_argument("input", help="folder of CSV tables (the default: inputs/xinjiang)")
    ap.add_argument("-n", "--paths", type=int, default=20000)
    ap.add_argument("-s", "--seed", type=int, default=20240101)
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("--min-cases", type=int, default=15, help="a pool needs this many backtest cases")
    ap.add_argument("--leave-out", action="append", default=[], metavar="PORT:ORIGIN",
                    help="cases of the port's series from this origin are scored but not used to choose the widths "
                         "(repeatable; the default's command leaves out HOR:2013, the first year of a new line)")
    ap.add_argument("--split-year", type=int, default=2021,
                    help="leave-future-out: choose on actual years up to this, score on the later ones")
    a = ap.parse_args()
    origins = list(range(2010, 2024))
    rows = read_series(os.path.join(a.input, "series.csv"))
    head = rows[0]
    col = {k: i for i, k in enumerate(head)}
    body = rows[1:]
    tmp = tempfile.mkdtemp(prefix="width_grid.")
    try:
        work = os.path.join(tmp, "in")
        shutil.copytree(a.input, work)
        base = backtest(a.corridor, work, a.paths, a.seed, a.threads, origins, tmp)
        pool_of = {r[col["id"]]: r[col["mode"]] + " " + r[col["metric"]] for r in body if r[col["kind"]] == "load"}
        case_pool = np.array([pool_of[s] for s in base["series"]])
        pools = [p for p in sorted(set(case_pool)) if np.sum(case_pool == p) >= a.min_cases]
        print(f"width grid: {a.input}, origins 2010-2023, {a.paths} paths, seed {a.seed}; pools with "
              f"{a.min_cases} cases or more: " + ", ".join(f"{p} ({np.sum(case_pool == p)})" for p in pools))
        grid = list(itertools.product(SIGMAS, TAUS, PHIS))
        res = []
        for sg, tu, ph in grid:
            mod = [list(r) for r in rows]
            for r in mod[1:]:
                if r[col["kind"]] == "load" and pool_of.get(r[col["id"]]) in pools:
                    r[col["sigma"]], r[col["tau"]], r[col["phi"]] = f"{sg:g}", f"{tu:g}", f"{ph:g}"
            write_series(mod, os.path.join(work, "series.csv"))
            res.append(backtest(a.corridor, work, a.paths, a.seed, a.threads, origins, tmp))
        out = np.zeros(len(case_pool), bool)
        for lo in a.leave_out:
            port, origin = lo.split(":")
            out |= np.array([x.startswith(port + "_") for x in base["series"]]) & (base["origin"] == int(origin))
        if out.any():
            print(f"left out of the choice (scored in the lines 'all cases'): {out.sum()} cases (" + ", ".join(a.leave_out) + ")")
        for p in pools:
            mall = case_pool == p
            m = mall & ~out
            ports = sorted({s.split("_")[0] for s in base["series"][m]})
            crps = np.array([r["crps"][m].mean() for r in res])
            b = choose(res, m, crps, grid)
            best = res[b]
            print(f"\n{p}: {m.sum()} cases, ports {' '.join(ports)}")
            print(f"  {'':28s} {'sigma':>6s} {'tau':>6s} {'phi':>5s} {'sd16':>5s}  {'CRPS':>6s} {'IS50':>6s} {'IS80':>6s} "
                  f"{'IS90':>6s}  cover 50/80/90   by band 1-3 | 4-7 | 8+ (cover 50/80/90, CRPS)")
            rowsp = [r for r in body if pool_of.get(r[col["id"]]) == p]
            inp = rowsp[0]
            for name, r, (sg, tu, ph) in (
                    ("input", base, (float(inp[col["sigma"]]), float(inp[col["tau"]]), float(inp[col["phi"]]))),
                    ("lowest mean CRPS", res[int(np.argmin(crps))], grid[int(np.argmin(crps))]),
                    ("chosen", best, grid[b])):
                cv = coverage(r, m)
                line = (f"  {name:28s} {sg:6.3f} {tu:6.3f} {ph:5.2f} {spread(sg, tu, ph):5.2f}  {r['crps'][m].mean():6.3f} "
                        + " ".join(f"{r['iscore'][m][:, k].mean():6.3f}" for k in range(3))
                        + "  " + "/".join(f"{x:.2f}" for x in cv) + "  ")
                h = r["year"] - r["origin"]
                for lo, hi in ((1, 3), (4, 7), (8, 99)):
                    mb = m & (h >= lo) & (h <= hi)
                    if mb.any():
                        line += (" " + "/".join(f"{x:.2f}" for x in coverage(r, mb))
                                 + f" {r['crps'][mb].mean():.3f} ({mb.sum()}) |")
                print(line)
            prof = []
            for tu in TAUS:
                idx = [i for i, g in enumerate(grid) if g[1] == tu]
                i = min(idx, key=lambda i: crps[i])
                prof.append(f"{tu:g}: {crps[i]:.3f} ({grid[i][0]:g}/{grid[i][2]:g})")
            print("  best CRPS by tau (sigma/phi): " + "; ".join(prof))
            if (mall != m).any():
                for name, r, g in (("input, all cases", base, None), ("chosen, all cases", best, grid[b])):
                    print(f"  {name:28s} {'':27s}  {r['crps'][mall].mean():6.3f} "
                          + " ".join(f"{r['iscore'][mall][:, k].mean():6.3f}" for k in range(3)) + "  "
                          + "/".join(f"{x:.2f}" for x in coverage(r, mall)) + f" ({mall.sum()} cases)")
            order = np.argsort(crps)[:5]
            print("  next best: " + "; ".join(f"{grid[i][0]:g}/{grid[i][1]:g}/{grid[i][2]:g} {crps[i]:.3f}"
                                             for i in order[1:]))
            # leave-future-out: choose on actual years <= split, score on later ones
            fit = m & (base["year"] <= a.split_year)
            test = m & (base["year"] > a.split_year)
            if fit.sum() >= 5 and test.sum() >= 5:
                cf = np.array([r["crps"][fit].mean() for r in res])
                bf = choose(res, fit, cf, grid)
                print(f"  leave-future-out: chosen on {fit.sum()} cases with actual year <= {a.split_year}: "
                      f"{grid[bf][0]:g}/{grid[bf][1]:g}/{grid[bf][2]:g}; on the {test.sum()} later cases mean CRPS "
                      f"{res[bf]['crps'][test].mean():.3f} (whole-sample choice {best['crps'][test].mean():.3f}, "
                      f"input {base['crps'][test].mean():.3f}), cover 50/80/90 "
                      + "/".join(f"{x:.2f}" for x in coverage(res[bf], test)))
            else:
                print(f"  leave-future-out: too few cases on one side of {a.split_year}")
            if len(ports) >= 2:
                for port in ports:
                    mine = m & np.array([s.startswith(port + "_") for s in base["series"]])
                    other = m & ~mine
                    co = np.array([r["crps"][other].mean() for r in res])
                    bo = choose(res, other, co, grid)
                    print(f"  leave-one-port-out {port}: chosen on the other ports' {other.sum()} cases "
                          f"{grid[bo][0]:g}/{grid[bo][1]:g}/{grid[bo][2]:g}; on {port}'s {mine.sum()} mean CRPS "
                          f"{res[bo]['crps'][mine].mean():.3f} (whole-sample choice {best['crps'][mine].mean():.3f}, "
                          f"input {base['crps'][mine].mean():.3f}), cover 50/80/90 "
                          + "/".join(f"{x:.2f}" for x in coverage(res[bo], mine)))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
