#!/usr/bin/env python3
"""2040 fans of a run's output (issue 17 point 5): per load series of rail and pipeline oil, and per
metric's total, the median and 90% interval in the horizon year of the first scenario; and every
series' mean unserved share (mean unserved over mean demand) in that year.
Usage: /usr/bin/python3 scripts/fan_2040.py OUTPUT.h5 [OTHER.h5]  (two files: before and after)"""
import sys

import h5py
import numpy as np


def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def load(path):
    f = h5py.File(path, "r")
    y = list(f["year"][()]).index(max(f["year"][()]))
    ser = [s(x) for x in f["series"][()]]
    met = [s(x) for x in f["metric"][()]]
    dq, tq = f["demand_quantile"][0, :, y, :], f["total_quantile"][0, :, y, :]
    um, dm = f["unserved_mean"][0, :, y], f["demand_mean"][0, :, y]
    return dict(year=int(f["year"][y]), ser=ser, met=met, dq=dq, dm=dm, tq=tq,
                tm=f["total_mean"][0, :, y], un=np.where(dm > 0, um / np.where(dm > 0, dm, 1), np.nan))


def main():
    runs = [load(p) for p in sys.argv[1:]]
    r0 = runs[0]
    lab = " | ".join(f"{'median':>9s} {'5%':>9s} {'95%':>9s} {'mean':>9s} {'unsrv':>5s}" for _ in runs)
    print(f"{r0['year']}, first scenario; demand of a series, total flows of a metric ({' | '.join(sys.argv[1:])})")
    print(f"{'series / total':28s} {lab}")
    for i, n in enumerate(r0["ser"]):
        if not any(k in n for k in ("rail_freight", "pipeline_oil")):
            continue
        line = f"{n:28s} "
        for r in runs:
            j = r["ser"].index(n)
            q = r["dq"][j]
            line += f"{q[3]:9.3g} {q[0]:9.3g} {q[6]:9.3g} {r['dm'][j]:9.3g} {r['un'][j]:5.2f} | "
        print(line)
    for i, m in enumerate(r0["met"]):
        line = f"total {m:22s} "
        for r in runs:
            j = r["met"].index(m)
            q = r["tq"][j]
            line += f"{q[3]:9.3g} {q[0]:9.3g} {q[6]:9.3g} {r['tm'][j]:9.3g} {'':5s} | "
        print(line)
    print("\nmean unserved share in the horizon year, every series with demand (before | after):")
    for i, n in enumerate(r0["ser"]):
        v = [r["un"][r["ser"].index(n)] for r in runs]
        if all(np.isnan(v)):
            continue
        flag = " > 1/3" if v[-1] > 1 / 3 else ""
        print(f"  {n:28s} " + " | ".join(f"{x:5.2f}" for x in v) + flag)


if __name__ == "__main__":
    main()
