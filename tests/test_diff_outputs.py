#!/usr/bin/python3
"""Scenario differences (`corridor run --diff`) and runs to a precision
(`corridor run --precision`) on the default input: the diff_* statistics
against numpy over the saved paths, the totals of the differences against
the differences of the totals, the summary's scenario-effects table; a run
to a precision byte for byte a fixed run of its final path count, its record,
the report's convergence and scenario-effects charts, and the refusals.
(Beside tests/test_plots.py, so that each stays well within its time limit.)"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

corridor, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "scripts"))
import corridor_plots as cp  # noqa: E402

checks = 0


def check(cond, what):
    global checks
    if not cond:
        sys.exit("FAIL: " + what)
    checks += 1


with tempfile.TemporaryDirectory() as d:
    inp = os.path.join(d, "in.h5")
    subprocess.run([corridor, "import", os.path.join(root, "inputs", "xinjiang"), "-o", inp], check=True,
                   stdout=subprocess.DEVNULL)
    # scenario differences (run --diff): the statistics of the per-path
    # differences against numpy over the saved paths, the totals of the
    # differences against the differences of the totals, the summary's table
    # and the report's chart
    dout = os.path.join(d, "diff.h5")
    subprocess.run([corridor, "run", inp, "-o", dout, "-n", "1200", "--diff", "--reference", "disruption",
                    "--save-paths", "--sensitivity-paths", "0", "-q"], check=True)
    dd = cp.open_output(dout)
    ref = list(cp.labels(dd, "scenario")).index("disruption")
    check(dd.attrs["diff_reference"] == "disruption", "diff_reference names the reference")
    with h5py.File(dout, "r") as f:
        pf = f["paths_flow"][()]
        dq = f["diff_flow_quantile"][()]
        q = f["quantile"][()]
        diff = pf - pf[ref:ref + 1]
        diff[np.abs(diff) <= 1e-12 * np.maximum(np.abs(pf), np.abs(pf[ref:ref + 1]))] = 0  # rounding: no change
        check(np.array_equal(np.moveaxis(np.quantile(diff, q, axis=1, method="linear"), 0, -1), dq),
              "diff_flow_quantile: numpy's linear quantiles of the per-path differences")
        check(np.array_equal((diff > 0).mean(axis=1), f["diff_flow_p_positive"][()])
              and np.array_equal((diff < 0).mean(axis=1), f["diff_flow_p_negative"][()]), "P(d > 0), P(d < 0)")
        check(np.allclose(diff.mean(axis=1), f["diff_flow_mean"][()], rtol=1e-12, atol=1e-3)
              and np.allclose(diff.std(axis=1, ddof=1), f["diff_flow_sd"][()], rtol=1e-9, atol=1e-3),
              "diff_flow mean and sd")
        tm = f["total_mean"][()]  # means of the values as stored, single precision (2**-24 relative)
        check(np.allclose(f["diff_total_mean"][()], tm - tm[ref:ref + 1], rtol=1e-12, atol=2.0**-22 * np.abs(tm).max()),
              "the mean differences of the totals are the differences of the mean totals")
        check(not f["diff_total_quantile"][ref].any() and not f["diff_flow_mean"][ref].any(),
              "the reference's rows are 0")
    fig = cp.scenario_effects(dd)
    means = sorted(ln.get_xdata()[0] for a in fig.axes for ln in a.get_lines() if ln.get_marker() == "o")
    want = sorted(float(dd.diff_total_mean.sel(scenario=sc, metric=m).isel(year=-1))
                  for m in cp.labels(dd, "metric") if cp._active(dd, m) for sc in cp.labels(dd, "scenario")
                  if sc != "disruption")
    check(np.allclose(means, want, rtol=0, atol=0), "scenario effects chart: the stored mean differences")
    summ = subprocess.run([corridor, "summary", dout], check=True, capture_output=True, text=True).stdout
    check(summ.count("Scenario effect in 2040: Xinjiang total minus disruption") == len(dd.scenario) - 1,
          "summary: a scenario-effects table per scenario but the reference")
    r = subprocess.run([corridor, "run", inp, "-o", os.path.join(d, "x.h5"), "--reference", "nope", "-q"],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "--reference: no scenario nope" in r.stderr and not os.path.exists(
        os.path.join(d, "x.h5")), f"--reference refuses an unknown scenario ({r.returncode}: {r.stderr})")

    # a run to a precision (run --precision, here with --diff): the final
    # output is, dataset for dataset, a fixed run of its final path count;
    # the record of the steps; the convergence and scenario-effects charts in
    # the report; the refusals
    def numeric(path):
        out = {}
        with h5py.File(path, "r") as f:
            f.visititems(lambda n, o: out.__setitem__(n, o[()].tobytes()) if isinstance(o, h5py.Dataset)
                         and o.dtype.kind in "fiu" else None)
        return out
    pout, fout = os.path.join(d, "prec.h5"), os.path.join(d, "fixed.h5")
    r = subprocess.run([corridor, "run", inp, "-o", pout, "--precision", "0.01", "--on", "total_quantile,p_over_capacity",
                        "--start-paths", "1000", "--max-paths", "1500", "--sensitivity-paths", "500", "--diff"], check=True,
                       capture_output=True, text=True)
    check(r.stderr.count("precision: ") == 2 and " s left" in r.stderr, f"a status line per step with the time left: {r.stderr}")
    pd = cp.open_output(pout)
    check(list(pd.convergence_paths.values) == [1000, 1500] and pd.attrs["paths"] == 1500,
          "steps of --start-paths and then --max-paths paths")
    subprocess.run([corridor, "run", inp, "-o", fout, "-n", "1500", "--sensitivity-paths", "500", "--diff", "-q"],
                   check=True)
    a, b = numeric(pout), numeric(fout)
    check(set(a) - set(b) == {"convergence_paths", "convergence_halfwidth", "convergence_estimate",
                              "convergence_lower", "convergence_upper", "convergence_step"} and not set(b) - set(a),
          f"the precision run adds only the convergence record ({sorted(set(a) ^ set(b))})")
    check(all(a[k] == b[k] for k in b), "every numeric dataset equals the fixed run's, byte for byte: "
          + ", ".join(k for k in b if a[k] != b[k]))
    hw = pd.convergence_halfwidth.values
    check(hw.shape == (2, 2) and hw[1, 0] == pd.attrs["precision_reached_total_quantile"]
          and hw[1, 1] == pd.attrs["precision_reached_p_over_capacity"] and (hw[1] < hw[0]).all()
          and pd.attrs["precision_target"] == 0.01, "precision reached: the last step's, and shrinking")
    fig = cp.convergence(pd)
    check(fig is not None and len([a for a in fig.axes if a.get_visible()]) == 3, "the convergence chart")
    rep_p = os.path.join(d, "report_prec")
    subprocess.run(["/usr/bin/python3", os.path.join(root, "scripts", "report"), pout, "-o", rep_p,
                    "--corridor", corridor], check=True, stdout=subprocess.DEVNULL)
    page = open(os.path.join(rep_p, "index.html"), encoding="utf-8").read()
    check("<h2>Convergence</h2>" in page and "convergence.png" in os.listdir(rep_p), "report: the convergence chart")
    check("<h2>Scenario effects</h2>" in page and "scenario_effects.png" in os.listdir(rep_p),
          "report: the scenario effects chart")
    # a target the first pilot reaches: its precision is below the target
    pout2 = os.path.join(d, "prec2.h5")
    subprocess.run([corridor, "run", inp, "-o", pout2, "--precision", "0.5", "--on", "total_mean", "-q",
                    "--start-paths", "1000", "--sensitivity-paths", "0"], check=True)
    with h5py.File(pout2, "r") as f:
        check(f.attrs["precision_reached_total_mean"] < 0.5 and f.attrs["paths"] == 1000, "reached below the target")
    for args, msg in ((["--precision", "0.01", "--on", "total_max"], "--on: 'total_max' is not total_quantile"),
                      (["--precision", "0"], "--precision: 0 is not above 0"),
                      (["--precision", "-1"], "--precision"),
                      (["--precision", "0.01", "-n", "1000"], "--precision: not with --paths"),
                      (["--on", "total_mean"], "--on: only with --precision"),
                      (["--start-paths", "1000"], "--start-paths: only with --precision"),
                      (["--precision", "0.01", "--quantiles", ",".join(f"0.{k:02d}" for k in range(1, 12))],
                       "--precision on total_quantile: at most 10 --quantiles")):
        r = subprocess.run([corridor, "run", inp, "-o", os.path.join(d, "x.h5")] + args, capture_output=True,
                           text=True)
        check(r.returncode == 2 and r.stderr.startswith("error: " + msg) and not os.path.exists(os.path.join(d, "x.h5")),
              f"run {' '.join(args)} is refused ({r.returncode}: {r.stderr})")
print(f"scenario differences and runs to a precision: {checks} checks passed")
