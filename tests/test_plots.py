#!/usr/bin/python3
"""The analysis scripts on a small output: every chart shows the stored
numbers (the plotted medians, heat-map cells, tornado bars, the new corridors'
charts and the nodes' table equal the file's values), the images are non-empty
and not blank, and the HTML report holds the summary tables and every chart
inline."""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import matplotlib.image as mpimg
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


def median_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_linewidth() == 2]


with tempfile.TemporaryDirectory() as d:
    inp, out = os.path.join(d, "in.h5"), os.path.join(d, "out.h5")
    subprocess.run([corridor, "import", os.path.join(root, "inputs", "xinjiang"), "-o", inp], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([corridor, "run", inp, "-o", out, "-n", "1500", "--sensitivity-paths", "1500", "-q"], check=True)
    ds = cp.open_output(out)
    years = ds["year"].values

    fig = cp.fan_chart_totals(ds, "baseline")
    for ax in fig.axes:
        if not ax.get_visible() or not ax.get_title():
            continue
        (line,) = median_lines(ax)
        stored = ds.total_quantile.sel(scenario="baseline", metric=ax.get_title(), quantile=0.5).values
        check(np.array_equal(line.get_ydata(), stored) and np.array_equal(line.get_xdata(), years),
              f"totals fan chart median of {ax.get_title()}")
        check(len(ax.collections) == 3, "three bands (50/80/90%)")

    fig = cp.fan_charts_by(ds, "port", "freight", "disruption")
    for ax in [a for a in fig.axes if a.get_visible()]:
        (line,) = median_lines(ax)
        stored = ds.total_by_port_quantile.sel(scenario="disruption", port=ax.get_title(), metric="freight",
                                               quantile=0.5).values
        check(np.array_equal(line.get_ydata(), stored), f"port fan chart {ax.get_title()}")

    fig = cp.scenario_comparison(ds, ["freight", "trains"])
    for ax in fig.axes[:2]:
        for line in median_lines(ax):
            stored = ds.total_quantile.sel(scenario=line.get_label(), metric=ax.get_title(), quantile=0.5).values
            check(np.array_equal(line.get_ydata(), stored), f"scenario comparison {line.get_label()}")

    fig = cp.utilization_heatmap(ds)
    for ax in fig.axes:
        if ax.get_images() and ax.get_title() in cp.labels(ds, "scenario"):
            arr = ax.get_images()[0].get_array()
            check(np.array_equal(np.asarray(arr), ds.p_over_capacity.sel(scenario=ax.get_title()).values),
                  "heat map cells are P(demand > capacity)")

    fig = cp.tornado(ds, "baseline", "total freight 2040", top=5)
    widths = sorted((p.get_width() for p in fig.axes[0].patches), key=abs, reverse=True)
    rho = ds.sensitivity.sel(scenario="baseline", response="total freight 2040").values
    check(np.allclose(widths, sorted(rho[~np.isnan(rho)], key=abs, reverse=True)[:5], rtol=0, atol=0),
          "tornado bars are the five strongest rank correlations")

    hist = cp.load_history(inp)
    check(len(hist) > 0, "history read from the input")
    s = sorted(hist)[0]
    fig = cp.fan_chart_series(ds, "baseline", s, hist)
    pts = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("history")]
    check(sum(len(p.get_xdata()) for p in pts) == len(hist[s][0]), "every history point is drawn")

    fig = cp.network(ds, "baseline", "freight", 2040)
    check(fig.links_drawn > 5, "network draws port-partner links")

    # a copy where a series is marked as a new corridor capturing from two others, never opening in
    # disruption: its fan chart, the node table and the report's New corridors section
    marked = os.path.join(d, "marked.h5")
    with open(out, "rb") as src, open(marked, "wb") as dst:
        dst.write(src.read())
    with h5py.File(marked, "r+") as f:
        ser = [x.decode() for x in f["series"][()]]
        f["series_expansion"][...] = [""] * len(ser)  # the input's own corridors, if any, unmarked
        for name in ("capture_corridor", "capture_from", "capture_share", "capture_taken_mean",
                     "capture_taken_quantile", "capture"):
            if name in f:
                del f[name]
        f["series_expansion"][1] = "E_new"
        po = f["p_open"][()]
        po[:, 1, :] = np.linspace(0, 0.75, po.shape[2])
        po[2, 1, :] = 0
        f["p_open"][...] = po
        f.create_dataset("capture_corridor", data=[ser[1], ser[1]], dtype=h5py.string_dtype())
        f.create_dataset("capture_from", data=[ser[0], ser[4]], dtype=h5py.string_dtype())
    dm = cp.open_output(marked)
    check(cp.new_corridors(dm) == {ser[1]: [ser[0], ser[4]]}, "new corridors read")
    check(cp.never_open_scenario(dm, ser[1], "baseline") == "disruption"
          and cp.never_open_scenario(dm, ser[1], "disruption") is None, "the scenario where it never opens")
    fig = cp.fan_chart_corridor(dm, "baseline", ser[1])
    panels = [a for a in fig.axes if a.get_visible() and a.get_title()]
    check([a.get_title() for a in panels] == [f"{ser[1]} (new corridor)", f"{ser[0]} (source)",
                                                f"{ser[4]} (source)"], "one panel per corridor and source")
    for ax, s in zip(panels, [ser[1], ser[0], ser[4]]):
        (line,) = median_lines(ax)
        check(np.array_equal(line.get_ydata(), dm.flow_quantile.sel(scenario="baseline", series=s,
                                                                    quantile=0.5).values), f"corridor chart {s}")
        if s != ser[1]:
            (other,) = [ln for ln in ax.get_lines() if ln.get_label() == "median, disruption"]
            check(np.array_equal(other.get_ydata(), dm.flow_quantile.sel(scenario="disruption", series=s,
                                                                         quantile=0.5).values),
                  f"{s}: median where the corridor never opens")
    popen = [ln for a in fig.axes for ln in a.get_lines() if ln.get_label() == "P(open)"]
    check(len(popen) == 1 and np.array_equal(popen[0].get_ydata(), po[0, 1]), "P(open) drawn")
    cols, rows = cp.node_table(ds, "baseline")
    check(cols[4:] == ["P(binding) 2030", "P(binding) 2035", "P(binding) 2040", "median utilisation 2030",
                       "median utilisation 2035", "median utilisation 2040"] and len(rows) == len(ds.group),
          "node table columns")
    for r in rows:
        g = r[0]
        check(r[4:7] == [ds.p_binding.sel(scenario="baseline", group=g, year=y).item() for y in (2030, 2035, 2040)]
              and r[7:] == [ds.utilization_quantile.sel(scenario="baseline", group=g, year=y, quantile=0.5).item()
                            for y in (2030, 2035, 2040)], f"node table row {g}")
    rep_m = os.path.join(d, "report_marked")
    subprocess.run(["/usr/bin/python3", os.path.join(root, "scripts", "report"), marked, "-o", rep_m,
                    "--corridor", corridor], check=True, stdout=subprocess.DEVNULL)
    page = open(os.path.join(rep_m, "index.html"), encoding="utf-8").read()
    sec = page[page.index("<h2>New corridors</h2>"):]
    sec = sec[:sec.index("<h2>", 5)]
    n_sc = len(cp.labels(ds, "scenario"))
    check(sec.count("New corridors: opening probability") == n_sc and "paired paths" in sec
          and re.findall(r"data-file='corridor_([a-z_]+)_" + ser[1] + r"\.png'", sec)
          == [sc for sc in cp.labels(ds, "scenario") if sc != "disruption"],
          "report: New corridors section with the table and a chart per scenario where it may open")
    check(page.count("New corridors: opening probability") == n_sc, "the corridor table only in its section")
    check(page.count("Capacity nodes (") == n_sc, "report: the capacity nodes' table per scenario")

    # the backtest's calibration plot draws the stored coverage and its Wilson intervals
    bt_path = os.path.join(d, "bt.h5")
    subprocess.run([corridor, "backtest", inp, "--origin", ",".join(str(y) for y in range(2010, 2024)), "-n", "500",
                    "-o", bt_path], check=True, stdout=subprocess.DEVNULL)
    bt = cp.open_backtest(bt_path)
    fig = cp.backtest_calibration(bt)
    pts = fig.axes[0].get_lines()[1]
    check(np.array_equal(pts.get_xdata(), bt["level"]) and np.array_equal(pts.get_ydata(), bt["all_coverage"]),
          "backtest calibration plot: observed against nominal coverage")
    check(bt["attrs"]["all_cases"] >= 30 and bt["coverage"].shape == (len(bt["horizon"]), 3)
          and np.all(bt["coverage_lower"] <= bt["coverage"]) and np.all(bt["coverage"] <= bt["coverage_upper"]),
          "backtest of the default: 30 cases or more, coverage inside its Wilson interval")
    cols, rows = cp.backtest_table(bt)
    check(rows[-1][0] == "all" and rows[-1][1] == bt["attrs"]["all_cases"] and len(rows[-1]) == len(cols),
          "backtest table")

    # plausibility: the flagged series are those whose mean unserved share in the horizon year passes a
    # third, or whose median grows more than tenfold, computed here from the file itself
    with h5py.File(out, "r") as f:
        names = [x.decode() if isinstance(x, bytes) else str(x) for x in f["series"][()]]
        qs = list(f["quantile"][()])
        um, dm = f["unserved_mean"][0, :, -1], f["demand_mean"][0, :, -1]
        med = f["demand_quantile"][0, :, :, qs.index(0.5)]
    share = np.where(dm > 0, um / np.where(dm > 0, dm, 1), 0)
    grow = np.where(med[:, 0] > 0, med[:, -1] / np.where(med[:, 0] > 0, med[:, 0], 1), 0)
    want = {n for n, sh, g in zip(names, share, grow) if sh > 1 / 3 or g > 10}
    cols, rows = cp.plausibility_table(ds, str(ds["scenario"].values[0]))
    check({r[0] for r in rows} == want and len(want) > 0 and all(len(r) == len(cols) for r in rows),
          f"plausibility table flags the series over a third unserved or tenfold ({len(want)})")
    cols, rows = cp.plausibility_table(ds, str(ds["scenario"].values[0]), share=2.0, growth=1e9)
    check(rows == [], "plausibility table: nothing above impossible thresholds")

    rep = os.path.join(d, "report")
    subprocess.run(["/usr/bin/python3", os.path.join(root, "scripts", "report"), out, "--input", inp, "--backtest",
                    bt_path, "-o", rep, "--corridor", corridor], check=True, stdout=subprocess.DEVNULL)
    page = open(os.path.join(rep, "index.html"), encoding="utf-8").read()
    check("<h2>Plausibility</h2>" in page, "report: Plausibility section")
    check("<h2>Backtest</h2>" in page and "data-file='backtest_calibration.png'" in page
          and "Scores per horizon" in page, "report: Backtest section with the calibration plot and the scores")
    imgs = re.findall(r"data-file='([^']+)' src='data:image/png;base64,", page)
    check(len(imgs) >= 8, f"report embeds its charts ({len(imgs)})")
    for name in imgs:
        px = mpimg.imread(os.path.join(rep, name))
        check(px.shape[0] > 100 and px.shape[1] > 100 and float(px[..., :3].std()) > 0.01, f"{name} is not blank")
    check("Capacity groups most likely to bind" in page and "Largest diversions" in page, "summary tables in report")
    check(("<h2>New corridors</h2>" in page) == bool(cp.new_corridors(ds)) and "Capacity nodes (baseline)" in page,
          "a New corridors section when the input has new corridors; the nodes' table")
    med = ds.total_quantile.sel(scenario="baseline", metric="freight", year=2040, quantile=0.5).item()
    check(f"{med:,.0f}" in page, "report shows the stored 2040 freight median")
    check("input_sha256" in page and ds.attrs["input_sha256"] in page, "report shows the provenance")
    pl = os.path.join(d, "plots")
    subprocess.run(["/usr/bin/python3", os.path.join(root, "scripts", "plots"), out, "--input", inp, "-o", pl,
                    "--scenario", "disruption"], check=True, stdout=subprocess.DEVNULL)
    files = sorted(os.listdir(pl))
    check(len(files) > 20 and "disruption_freight_by_port.png" in files, "scripts/plots writes every chart")
    plm = os.path.join(d, "plots_marked")
    subprocess.run(["/usr/bin/python3", os.path.join(root, "scripts", "plots"), marked, "-o", plm, "--scenario",
                    "baseline"], check=True, stdout=subprocess.DEVNULL)
    check(f"baseline_corridor_{ser[1]}.png" in os.listdir(plm), "scripts/plots draws each new corridor")
    for name in files:
        px = mpimg.imread(os.path.join(pl, name))
        check(float(px[..., :3].std()) > 0.01, f"plots/{name} is not blank")

    # the charts of a folder are not replaced without --force: refused before any drawing, one line, exit 2
    def snapshot(folder):
        return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))}

    def plots(*args):
        return subprocess.run(["/usr/bin/python3", os.path.join(root, "scripts", "plots"), out, "-o", pl] + list(args),
                              capture_output=True, text=True)

    before = snapshot(pl)
    r = plots("--input", inp, "--scenario", "disruption")
    check(r.returncode == 2 and r.stderr == f"plots: {pl}: holds scenarios.png already; use --force to replace the "
          "charts there\n" and r.stdout == "", f"plots refuses to replace charts without --force ({r.returncode}: {r.stderr})")
    check(snapshot(pl) == before, "a refused plots run leaves the folder as it was")
    r = plots("--scenario", "nope")
    check(r.returncode == 2 and r.stderr == f"plots: --scenario: 'nope' is not a scenario of {out} "
          f"({', '.join(cp.labels(ds, 'scenario'))})\n", f"plots refuses an unknown scenario ({r.returncode}: {r.stderr})")
    r = plots("--input", os.path.join(d, "nothere.h5"))
    check(r.returncode == 2 and r.stderr == f"plots: {os.path.join(d, 'nothere.h5')}: no such file\n",
          f"plots refuses a missing input ({r.returncode}: {r.stderr})")
    r = plots("--input", inp, "--scenario", "disruption", "--force")
    check(r.returncode == 0 and sorted(os.listdir(pl)) == files and r.stdout == f"plots: {len(files)} charts -> {pl}\n",
          f"plots --force replaces the same charts ({r.returncode}: {r.stderr})")
print(f"plots and report: {checks} checks passed")
