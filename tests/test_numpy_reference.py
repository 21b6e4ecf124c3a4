#!/usr/bin/python3
"""Corridor's CPU backend against the independent NumPy implementation of
MODEL.md section 3 (demand before the network acts on it), on the default
Xinjiang input as it was before the network (tests/data/v1_xinjiang) with
growth adjustments in two scenarios: the demand mean, sd and quantiles of
every series, year and scenario agree within sampling error."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(sys.argv[2], "scripts"))
import reference_numpy as ref  # noqa: E402

corridor, root = sys.argv[1], sys.argv[2]
N = 20000
ADJUSTMENTS = """scenario,port,partner,mode,metric,year_from,year_to,growth,source
high_connectivity,*,KAZ,*,freight,2025,2030,0.02,test
high_connectivity,*,*,*,passengers,2025,2028,0.04,test
disruption,*,KGZ,road,*,2026,2031,-0.03,test
"""
with tempfile.TemporaryDirectory() as d:
    inp, out, folder = os.path.join(d, "in.h5"), os.path.join(d, "out.h5"), os.path.join(d, "input")
    shutil.copytree(os.path.join(root, "tests", "data", "v1_xinjiang"), folder)
    with open(os.path.join(folder, "adjustments.csv"), "w") as f:
        f.write(ADJUSTMENTS)
    subprocess.run([corridor, "import", folder, "-o", inp], check=True)
    subprocess.run([corridor, "run", inp, "-o", out, "-n", str(N), "--backend", "cpu", "-q"], check=True)
    model = ref.load(inp)
    with h5py.File(out, "r") as f:
        probs = f["quantile"][()]
        mean_c, sd_c, q_c = f["demand_mean"][()], f["demand_sd"][()], f["demand_quantile"][()]
failures = 0
checked = 0
for k in range(model["NS"]):
    x = ref.simulate_demand(model, k, N, 1000 + k)
    mean, sd, sem, q = ref.statistics(x, probs)
    for s in range(model["S"]):
        for y in range(1, model["Y"]):
            # difference of two independent estimates: about sqrt(2) standard errors
            se = np.sqrt(2) * sem[s, y]
            checked += 1
            if abs(mean_c[k, s, y] - mean[s, y]) > 5 * se:
                failures += 1
                print(f"mean scenario {k} series {s} year {y}: corridor {mean_c[k, s, y]:.6g} numpy {mean[s, y]:.6g}")
            # the sample sd of a heavy-tailed lognormal is itself noisy: check it where the
            # coefficient of variation is moderate
            if sd[s, y] / mean[s, y] < 0.5 and abs(sd_c[k, s, y] / sd[s, y] - 1) > 0.1:
                failures += 1
                print(f"sd scenario {k} series {s} year {y}: corridor {sd_c[k, s, y]:.6g} numpy {sd[s, y]:.6g}")
            # quantiles: compare in log space against the quantile's standard error
            for j, p in enumerate(probs):
                spread = np.log(q[-1, s, y] / q[0, s, y]) + 1e-12
                if abs(np.log(q_c[k, s, y, j] / q[j, s, y])) > 0.1 * spread + 1e-9:
                    failures += 1
                    print(f"quantile {p} scenario {k} series {s} year {y}: {q_c[k, s, y, j]:.6g} vs {q[j, s, y]:.6g}")
# at 5 standard errors a handful of the thousands of checks may still fail by chance
print(f"{checked} series-years checked, {failures} disagreements")
sys.exit(0 if failures <= checked // 500 else 1)
