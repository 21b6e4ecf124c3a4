#!/usr/bin/python3
"""Regression of the network model against the model before it (issue #16).

A version-1 input (tests/data/v1_xinjiang: the default Xinjiang input as it
was before the network, growth adjustments left out because the network
moved them out of the momentum term) has no routes beyond one node per
series, no new corridors, no route choice and no elasticity. Its run must
reproduce, byte for byte, every numeric dataset that the model before the
network wrote: their SHA-256 digests are in tests/data/v1_xinjiang.sha256,
written by that model (commit 4c9f46d) with

    corridor run tests/data/v1_xinjiang -o out.h5 -n 2000 --seed 7
    regression_v1.py --write out.h5 tests/data/v1_xinjiang.sha256

A run now keeps each path's value for its statistics in single precision
(docs/MODEL.md section 6), so the digests were written again by that same
model with tests/data/v1_xinjiang_4c9f46d_single_precision.patch applied: its
stored values and its cells known without storing rounded to single precision
before the statistics, nothing else changed (`git apply` it on a checkout of
4c9f46d, build, and run the two commands above).

Usage: regression_v1.py CORRIDOR FIXTURE_DIR DIGESTS WORKDIR
"""
import hashlib
import os
import subprocess
import sys

import h5py
import numpy as np


def digests(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                a = np.ascontiguousarray(obj[()])
                out[name] = hashlib.sha256(a.astype(a.dtype.newbyteorder("<")).tobytes()).hexdigest()
        f.visititems(visit)
    return out


def main():
    if sys.argv[1] == "--write":
        with open(sys.argv[3], "w") as g:
            for k, v in sorted(digests(sys.argv[2]).items()):
                g.write(f"{v}  {k}\n")
        return 0
    corridor, fixture, golden, work = sys.argv[1:5]
    out = os.path.join(work, "regression_v1.h5")
    if os.path.exists(out):
        os.remove(out)
    subprocess.run([corridor, "run", fixture, "-o", out, "-n", "2000", "--seed", "7", "--quiet"], check=True)
    now = digests(out)
    bad, n = [], 0
    for line in open(golden):
        want, name = line.split()
        n += 1
        if name not in now:
            bad.append(f"{name}: missing")
        elif now[name] != want:
            bad.append(f"{name}: different bytes")
    if n < 30:
        print(f"only {n} digests in {golden}")
        return 1
    if bad:
        print("the version-1 input no longer reproduces the model before the network:")
        print("\n".join(bad))
        return 1
    print(f"{n} datasets byte-identical to the model before the network")
    return 0


if __name__ == "__main__":
    sys.exit(main())
