#!/usr/bin/python3
"""h5compare.py A.h5 B.h5: compares every dataset of A with B's: numbers
byte for byte (and the largest difference where they differ), strings by
value. Prints one line; exits 1 if anything differs. Used by scripts/bench
(memory budgets) and scripts/gpu-check (CPU against GPU, budgets)."""
import sys

import h5py
import numpy as np

a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
worst_abs, worst_rel, differ, numeric = 0.0, 0.0, [], 0
for n in names:
    x, y = a[n][()], b[n][()]
    if x.dtype.kind == "O":  # strings: the same values
        if not np.array_equal(x, y):
            differ.append(n)
        continue
    numeric += 1
    if x.shape == y.shape and x.tobytes() == y.tobytes():
        continue
    differ.append(n)
    if x.shape == y.shape and x.dtype.kind in "fiu":
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.abs(x.astype(float) - y.astype(float))
            r = np.where(np.abs(x) > 0, d / np.abs(x), d)
        worst_abs, worst_rel = max(worst_abs, float(np.nanmax(d))), max(worst_rel, float(np.nanmax(r)))
print(f"{len(names)} datasets compared ({numeric} numeric): "
      + ("identical (numbers byte for byte)" if not differ else
         f"DIFFERENT: {', '.join(differ)}; largest difference {worst_abs:.3g} absolute, {worst_rel:.3g} relative"))
sys.exit(1 if differ else 0)
