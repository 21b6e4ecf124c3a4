"""Charts and tables of Corridor outputs, for scripts/plots, scripts/report and notebooks.

Every function takes an output opened with xarray (open_output) and returns a
matplotlib Figure, so a notebook can show it and a script can save it. Uses
Debian's python3-matplotlib, python3-numpy, python3-xarray and python3-h5py.

    import sys; sys.path.insert(0, "scripts")
    import corridor_plots as cp
    ds = cp.open_output("outputs/xinjiang.h5")
    cp.fan_chart_totals(ds, "baseline").savefig("totals.png")
"""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

# central intervals drawn as bands, widest first
BANDS = [(0.05, 0.95, "90%", 0.18), (0.10, 0.90, "80%", 0.28), (0.25, 0.75, "50%", 0.42)]
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def open_output(path):
    return xr.open_dataset(path)


def labels(ds, name):
    return [str(x) for x in ds[name].values]


def load_history(input_path):
    """History rows of an HDF5 input: {series: (years, values, coverage)}; {} when none."""
    out = {}
    if not input_path:
        return out
    with h5py.File(input_path, "r") as f:
        if "history" not in f:
            return out
        h = f["history"]
        ser = [x.decode() if isinstance(x, bytes) else str(x) for x in h["series"][()]]
        yr, val = h["year"][()], h["value"][()]
        cov = h["coverage"][()] if "coverage" in h else np.ones(len(ser))
    for s, y, v, c in zip(ser, yr, val, cov):
        out.setdefault(s, ([], [], []))
        out[s][0].append(int(y))
        out[s][1].append(float(v))
        out[s][2].append(float(c))
    return out


def _qindex(ds, p):
    q = ds["quantile"].values
    i = int(np.argmin(np.abs(q - p)))
    return i if abs(q[i] - p) < 1e-9 else None


def fan(ax, ds, years, q, color, label=None):
    """Median line with 50/80/90% bands; q has shape (year, quantile). Returns the median line."""
    for lo, hi, name, alpha in BANDS:
        ilo, ihi = _qindex(ds, lo), _qindex(ds, hi)
        if ilo is not None and ihi is not None:
            ax.fill_between(years, q[:, ilo], q[:, ihi], color=color, alpha=alpha, linewidth=0,
                            label=f"{name} interval" if label is None else None)
    i50 = _qindex(ds, 0.5)
    if i50 is None:
        return None
    (line,) = ax.plot(years, q[:, i50], color=color, lw=2, label=label or "median")
    return line


def _grid(n, width=4.2, height=3.0, ncols=3):
    ncols = min(ncols, max(n, 1))
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _unit(ds, metric):
    return str(ds["metric_unit"].values[labels(ds, "metric").index(metric)])


def _active(ds, metric, var="total_mean", scenario=None):
    """Metrics (or members) whose values are not all zero."""
    x = ds[var] if scenario is None else ds[var].sel(scenario=scenario)
    return float(np.abs(x.sel(metric=metric).values).max()) > 0


def fan_chart_totals(ds, scenario):
    """Xinjiang totals, one panel per metric."""
    metrics = [m for m in labels(ds, "metric") if _active(ds, m, scenario=scenario)]
    fig, axes = _grid(len(metrics))
    years = ds["year"].values
    for ax, m in zip(axes, metrics):
        q = ds["total_quantile"].sel(scenario=scenario, metric=m).values
        fan(ax, ds, years, q, COLORS[0])
        ax.set_title(m)
        ax.set_ylabel(_unit(ds, m) + " per year")
        ax.grid(alpha=0.3)
    if axes:
        axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"Xinjiang totals, scenario {scenario}: median and 50/80/90% intervals")
    fig.tight_layout()
    return fig


def fan_charts_by(ds, dim, metric, scenario):
    """Totals of one metric by port, partner or mode: one panel per member with flow."""
    var = f"total_by_{dim}_quantile"
    data = ds[var].sel(scenario=scenario, metric=metric)
    members = [x for x in labels(ds, dim) if float(np.abs(data.sel({dim: x}).values).max()) > 0]
    fig, axes = _grid(len(members))
    years = ds["year"].values
    for ax, x in zip(axes, members):
        fan(ax, ds, years, data.sel({dim: x}).values, COLORS[1])
        ax.set_title(f"{x}")
        ax.grid(alpha=0.3)
    if axes:
        axes[0].legend(fontsize=7, loc="upper left")
        axes[0].set_ylabel(_unit(ds, metric) + " per year")
    fig.suptitle(f"{metric} by {dim}, scenario {scenario}")
    fig.tight_layout()
    return fig


def fan_chart_series(ds, scenario, series, history=None):
    """Served flow of one series with its history overlaid (partial years hollow)."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    years = ds["year"].values
    q = ds["flow_quantile"].sel(scenario=scenario, series=series).values
    fan(ax, ds, years, q, COLORS[2])
    if history and series in history:
        y, v, c = (np.array(a) for a in history[series])
        full = c >= 1
        ax.plot(y[full], v[full], "ko", ms=4, label="history")
        if (~full).any():
            ax.plot(y[~full], v[~full], "o", mfc="none", mec="k", ms=4, label="history (part year)")
    unit = str(ds["series_unit"].sel(series=series).values)
    ax.set_title(f"{series} ({scenario})")
    ax.set_ylabel(unit + " per year")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def scenario_comparison(ds, metrics=None):
    """Median and 90% interval of the Xinjiang totals, every scenario on one panel per metric."""
    metrics = metrics or [m for m in labels(ds, "metric") if _active(ds, m)]
    fig, axes = _grid(len(metrics))
    years = ds["year"].values
    ilo, ihi, i50 = _qindex(ds, 0.05), _qindex(ds, 0.95), _qindex(ds, 0.5)
    for ax, m in zip(axes, metrics):
        for k, sc in enumerate(labels(ds, "scenario")):
            q = ds["total_quantile"].sel(scenario=sc, metric=m).values
            c = COLORS[k % len(COLORS)]
            if ilo is not None and ihi is not None:
                ax.fill_between(years, q[:, ilo], q[:, ihi], color=c, alpha=0.12, linewidth=0)
            if i50 is not None:
                ax.plot(years, q[:, i50], color=c, lw=2, label=sc)
        ax.set_title(m)
        ax.set_ylabel(_unit(ds, m) + " per year")
        ax.grid(alpha=0.3)
    if axes:
        axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Scenarios compared: median and 90% interval (common random numbers)")
    fig.tight_layout()
    return fig


def scenario_effects(ds, year=None, metrics=None):
    """Each scenario's effect on the Xinjiang totals in `year` (default: the
    horizon): the mean of the per-path difference from the reference (diff_*
    variables, `corridor run --diff`) with its 50% and 90% intervals, one
    panel per metric. None when the output has no scenario differences."""
    if "diff_total_mean" not in ds:
        return None
    ref = str(ds.attrs.get("diff_reference", ""))
    year = int(ds["year"].values[-1]) if year is None else int(year)
    metrics = metrics or [m for m in labels(ds, "metric") if _active(ds, m)]
    scen = [s for s in labels(ds, "scenario") if s != ref]
    fig, axes = _grid(len(metrics), width=5.0, height=0.55 * len(scen) + 1.6, ncols=2)
    ilo, ihi, i25, i75 = _qindex(ds, 0.05), _qindex(ds, 0.95), _qindex(ds, 0.25), _qindex(ds, 0.75)
    for ax, m in zip(axes, metrics):
        d = ds["diff_total_quantile"].sel(metric=m, year=year)
        mean = ds["diff_total_mean"].sel(metric=m, year=year)
        pos = ds["diff_total_p_positive"].sel(metric=m, year=year)
        for i, sc in enumerate(scen):
            q = d.sel(scenario=sc).values
            if ilo is not None and ihi is not None:
                ax.plot([q[ilo], q[ihi]], [i, i], color=COLORS[0], lw=2, alpha=0.45,
                        label="90% interval" if i == 0 else None)
            if i25 is not None and i75 is not None:
                ax.plot([q[i25], q[i75]], [i, i], color=COLORS[0], lw=6, alpha=0.8,
                        label="50% interval" if i == 0 else None)
            mv = float(mean.sel(scenario=sc))
            ax.plot([mv], [i], "o", color="black", ms=4, label="mean" if i == 0 else None)
            ax.annotate(f"P(>0) {float(pos.sel(scenario=sc)):.2f}", (mv, i), textcoords="offset points",
                        xytext=(0, 7), ha="center", fontsize=7)
        ax.axvline(0, color="grey", lw=1)
        ax.set_yticks(range(len(scen)))
        ax.set_yticklabels(scen, fontsize=8)
        ax.set_ylim(-0.7, len(scen) - 0.3)
        ax.set_title(m)
        ax.set_xlabel(f"{_unit(ds, m)} per year, scenario minus {ref}")
        ax.grid(alpha=0.3, axis="x")
    if axes:
        axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Scenario effects on the Xinjiang totals in {year}, path by path against {ref}")
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return fig


def convergence(ds):
    """A run to a precision (`corridor run --precision`): per statistic, its
    estimate and 95% interval in the cell that was least precise at the end,
    against the paths of each step, and the largest relative half-width
    against the target. None when the output was a fixed run."""
    if "convergence_paths" not in ds:
        return None
    paths = ds["convergence_paths"].values
    stats = labels(ds, "convergence_statistic")
    target = float(ds.attrs["precision_target"])
    fig, axes = _grid(len(stats) + 1, width=4.6, height=3.2, ncols=2)
    for ax, (k, st) in zip(axes, enumerate(stats)):
        e = ds["convergence_estimate"].values[:, k]
        lo, hi = ds["convergence_lower"].values[:, k], ds["convergence_upper"].values[:, k]
        ax.fill_between(paths, lo, hi, color=COLORS[0], alpha=0.25, linewidth=0, label="95% interval")
        ax.plot(paths, e, "o-", color=COLORS[0], lw=1.5, ms=3, label="estimate")
        ax.set_xscale("log")
        ax.set_title(str(ds["convergence_cell"].values[k]), fontsize=7)
        ax.set_xlabel("paths")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    ax = axes[-1]
    for k, st in enumerate(stats):
        ax.plot(paths, ds["convergence_halfwidth"].values[:, k], "o-", ms=3, color=COLORS[(k + 1) % len(COLORS)],
                label=st)
    ax.axhline(target, color="black", ls="--", lw=1, label=f"target {target:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    for a in axes:  # the steps' path counts
        a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        a.set_xticks(paths)
        a.set_xticklabels([f"{int(p):,}" for p in paths], fontsize=7)
    ax.set_xlabel("paths")
    ax.set_ylabel("largest relative half-width")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.suptitle("Convergence: estimates and 95% intervals against paths")
    fig.tight_layout()
    return fig


def utilization_heatmap(ds):
    """P(demand > capacity) by group and year, one panel per scenario."""
    scen = labels(ds, "scenario")
    groups = labels(ds, "group")
    fig, axes = _grid(len(scen), width=5.5, height=0.35 * len(groups) + 1.6, ncols=min(3, len(scen)))
    years = ds["year"].values
    im = None
    for ax, sc in zip(axes, scen):
        p = ds["p_over_capacity"].sel(scenario=sc).values
        im = ax.imshow(p, aspect="auto", vmin=0, vmax=1, cmap="magma_r",
                       extent=(years[0] - 0.5, years[-1] + 0.5, len(groups) - 0.5, -0.5))
        ax.set_yticks(range(len(groups)))
        ax.set_yticklabels(groups, fontsize=7)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=5))
        ax.set_title(sc)
    if im is not None:
        fig.colorbar(im, ax=axes, label="P(demand > capacity)", shrink=0.8)
    fig.suptitle("Where capacity binds: probability that demand exceeds capacity")
    return fig


def tornado(ds, scenario, response, top=10):
    """Strongest drivers of a response by Spearman rank correlation."""
    rho = ds["sensitivity"].sel(scenario=scenario, response=response).values
    drivers = labels(ds, "driver")
    ok = ~np.isnan(rho)
    idx = [i for i in np.argsort(-np.abs(np.where(ok, rho, 0))) if ok[i]][:top][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.4 * max(len(idx), 1) + 1.2))
    vals = rho[idx]
    ax.barh(range(len(idx)), vals, color=[COLORS[3] if v < 0 else COLORS[0] for v in vals])
    ax.set_yticks(range(len(idx)))
    ax.set_yticklabels([drivers[i] for i in idx], fontsize=8)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("Spearman rank correlation")
    ax.set_title(f"Sensitivity of {response} ({scenario})")
    fig.tight_layout()
    return fig


def network(ds, scenario, metric, year):
    """Ports and partners at their latitude and longitude; line width by mean served flow."""
    fig, ax = plt.subplots(figsize=(9, 6))
    ports, partners = labels(ds, "port"), labels(ds, "partner")
    plat, plon = ds["port_lat"].values, ds["port_lon"].values
    has_partner_pos = "partner_lat" in ds
    clat = ds["partner_lat"].values if has_partner_pos else np.full(len(partners), np.nan)
    clon = ds["partner_lon"].values if has_partner_pos else np.full(len(partners), np.nan)
    flow = ds["flow_mean"].sel(scenario=scenario, year=year)
    sm = labels(ds, "series_metric")
    sp, sq, sk = labels(ds, "series_partner"), labels(ds, "series_port"), labels(ds, "series_kind")
    links = {}
    for i, s in enumerate(labels(ds, "series")):
        if sm[i] == metric:
            links[(sq[i], sp[i])] = links.get((sq[i], sp[i]), 0.0) + float(flow.values[i])
    fmax = max(links.values()) if links else 1.0
    drawn = 0
    for (q, p), v in links.items():
        a, b = ports.index(q), partners.index(p)
        if v <= 0 or np.isnan(clat[b]):
            continue
        ax.plot([plon[a], clon[b]], [plat[a], clat[b]], color=COLORS[0], alpha=0.6,
                lw=0.5 + 10 * v / fmax, solid_capstyle="round")
        drawn += 1
    ax.scatter(plon, plat, s=40, color=COLORS[3], zorder=3, label="Xinjiang ports")
    for i, q in enumerate(ports):
        ax.annotate(q, (plon[i], plat[i]), fontsize=8, xytext=(3, 3), textcoords="offset points")
    okp = ~np.isnan(clat)
    ax.scatter(clon[okp], clat[okp], s=60, marker="s", color=COLORS[2], zorder=3, label="partners")
    for i, p in enumerate(partners):
        if okp[i]:
            ax.annotate(p, (clon[i], clat[i]), fontsize=9, xytext=(3, -10), textcoords="offset points")
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.set_aspect(1 / np.cos(np.deg2rad(np.nanmean(plat))))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"Mean served {metric} flow in {year} ({scenario}); line width by flow, widest "
                 f"{fmax:,.0f} {_unit(ds, metric)}")
    fig.tight_layout()
    fig.links_drawn = drawn
    return fig


# ---------------------------------------------------------------- network ----
def new_corridors(ds):
    """{corridor series: [source series it captures from, ...]} from the output's labels; {} when none."""
    if "series_expansion" not in ds:
        return {}
    out = {s: [] for s, e in zip(labels(ds, "series"), labels(ds, "series_expansion")) if e}
    if "capture_corridor" in ds:
        for c, f in zip(labels(ds, "capture_corridor"), labels(ds, "capture_from")):
            if c in out and f not in out[c]:
                out[c].append(f)
    return out


def never_open_scenario(ds, corridor, scenario):
    """A scenario other than `scenario` where the corridor never opens (P(open) 0 at the horizon), or None;
    None too when it never opens in `scenario` either."""
    p = ds["p_open"].sel(series=corridor).isel(year=-1)
    if float(p.sel(scenario=scenario)) == 0:
        return None
    for sc in labels(ds, "scenario"):
        if sc != scenario and float(p.sel(scenario=sc)) == 0:
            return sc
    return None


def fan_chart_corridor(ds, scenario, corridor):
    """A new corridor's served flow and that of each series it captures from (median and bands), with
    P(open) on the corridor's panel and, dashed, each source's median in a scenario where it never opens."""
    sources = new_corridors(ds).get(corridor, [])
    fig, axes = _grid(1 + len(sources))
    years = ds["year"].values
    other = never_open_scenario(ds, corridor, scenario)
    for k, (ax, s) in enumerate(zip(axes, [corridor] + sources)):
        fan(ax, ds, years, ds["flow_quantile"].sel(scenario=scenario, series=s).values, COLORS[0 if k == 0 else 1])
        if k == 0:
            tw = ax.twinx()
            tw.plot(years, ds["p_open"].sel(scenario=scenario, series=s).values, ":", color="k", lw=1.2,
                    label="P(open)")
            tw.set_ylim(0, 1.05)
            tw.set_ylabel("P(open by the year)")
            tw.legend(fontsize=7, loc="lower right")
            ax.set_title(f"{s} (new corridor)", fontsize=9)
        else:
            if other is not None:
                i50 = _qindex(ds, 0.5)
                if i50 is not None:
                    ax.plot(years, ds["flow_quantile"].sel(scenario=other, series=s).values[:, i50], "--",
                            color="k", lw=1.5, label=f"median, {other}")
            ax.set_title(f"{s} (source)", fontsize=9)
        ax.set_ylabel(str(ds["series_unit"].sel(series=s).values) + " per year")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(f"New corridor {corridor} and the series it captures from, scenario {scenario}: "
                 "median and 50/80/90% intervals")
    fig.tight_layout()
    return fig


def corridor_years(ds):
    """2030, 2035 and the horizon, those after the base year (the years of the corridor and node tables)."""
    years = [int(y) for y in ds["year"].values]
    out = []
    for y in (2030, 2035, years[-1]):
        if y in years[1:] and y not in out:
            out.append(y)
    return out


def node_table(ds, scenario, years=None):
    """Per capacity node: P(binding) and median utilisation at `years` (default corridor_years).
    Returns (columns, rows)."""
    years = years or corridor_years(ds)
    i50 = _qindex(ds, 0.5)
    cols = ["node", "port", "mode", "metric"]
    cols += [f"P(binding) {y}" for y in years] + [f"median utilisation {y}" for y in years]
    rows = []
    for g, port, mode, metric in zip(labels(ds, "group"), labels(ds, "group_port"), labels(ds, "group_mode"),
                                     labels(ds, "group_metric")):
        row = [g, port, mode, metric]
        row += [float(ds["p_binding"].sel(scenario=scenario, group=g, year=y)) for y in years]
        row += [float(ds["utilization_quantile"].sel(scenario=scenario, group=g, year=y).values[i50])
                if i50 is not None else float("nan") for y in years]
        rows.append(row)
    return cols, rows


def plausibility_table(ds, scenario, share=1 / 3, growth=10.0):
    """Series whose mean unserved share (mean unserved over mean demand) in the horizon year exceeds
    `share`, or whose median demand grows more than `growth` times from the base year (a series that
    starts at 0, a new corridor, is judged on its share alone). Returns (columns, rows)."""
    y0, y1 = int(ds["year"][0]), int(ds["year"][-1])
    i50 = _qindex(ds, 0.5)
    cols = ["series", f"mean unserved share {y1}", f"median demand {y0}", f"median demand {y1}",
            f"median {y1} / {y0}"]
    rows = []
    for s in labels(ds, "series"):
        dm = float(ds["demand_mean"].sel(scenario=scenario, series=s, year=y1))
        um = float(ds["unserved_mean"].sel(scenario=scenario, series=s, year=y1))
        sh = um / dm if dm > 0 else 0.0
        d0 = float(ds["demand_quantile"].sel(scenario=scenario, series=s, year=y0).values[i50]) if i50 is not None \
            else float("nan")
        d1 = float(ds["demand_quantile"].sel(scenario=scenario, series=s, year=y1).values[i50]) if i50 is not None \
            else float("nan")
        g = d1 / d0 if d0 > 0 else float("nan")
        if sh > share or g > growth:
            rows.append([s, sh, d0, d1, g])
    return cols, rows


def _input_table(input_path, name, columns):
    """Columns of one table of an HDF5 input as {id: {column: value}} ({} without the input or table)."""
    out = {}
    if not input_path:
        return out
    with h5py.File(input_path, "r") as f:
        if name not in f or "id" not in f[name]:
            return out
        t = f[name]
        ids = [x.decode() if isinstance(x, bytes) else str(x) for x in t["id"][()]]
        cols = {c: [x.decode() if isinstance(x, bytes) else x for x in t[c][()]] for c in columns if c in t}
    for i, k in enumerate(ids):
        out[k] = {c: v[i] for c, v in cols.items()}
    return out


def plausibility_reasons(ds, scenario, rows, input_path=None):
    """For each row of plausibility_table: the node of its route (a derived series: of its load series')
    that binds most often in the horizon year, with that probability and P(demand > capacity) there, its
    base capacity (low / mode / high of the drawn range) and the source the input gives for it. Returns
    (columns, rows): the table's rows with these columns appended."""
    y1 = int(ds["year"][-1])
    series_in = _input_table(input_path, "series", ["source_series"])
    groups_in = _input_table(input_path, "groups", ["source"])
    cols = [f"tightest node (P binding {y1})", f"P(demand > capacity) {y1}", "base capacity (low / mode / high)",
            "source of the capacity"]
    out = []
    for r in rows:
        s, via = r[0], ""
        src = str(series_in.get(s, {}).get("source_series", "") or "")
        if str(ds["series_kind"].sel(series=s).item()) == "derived" and src:
            s, via = src, f" (of {src})"
        route = str(ds["series_route"].sel(series=s).item())
        nodes = [g for g in route.split("|") if g]
        if not nodes:
            out.append(list(r) + ["none: no capacity limit" + via, "", "", ""])
            continue
        pb = {g: float(ds["p_binding"].sel(scenario=scenario, group=g, year=y1)) for g in nodes}
        g = max(nodes, key=lambda k: pb[k])
        lo, mo, hi = (float(ds[v].sel(group=g)) for v in ("group_capacity_low", "group_capacity_mode",
                                                          "group_capacity_high"))
        cap = f"{mo:,.4g}" if lo == hi else f"{lo:,.4g} / {mo:,.4g} / {hi:,.4g}"
        po = float(ds["p_over_capacity"].sel(scenario=scenario, group=g, year=y1))
        out.append(list(r) + [f"{g}{via} ({pb[g]:.2f})", po, cap,
                              str(groups_in.get(g, {}).get("source", "")) or "(no input given)"])
    return cols, out


# ------------------------------------------------------------------ backtest
def open_backtest(path):
    """The file of `corridor backtest -o`: a dict of its datasets (numpy arrays, strings decoded) and its
    attributes under "attrs"."""
    out = {}
    with h5py.File(path, "r") as f:
        for k in f:
            v = f[k][()]
            if v.dtype.kind in "OS":
                v = np.array([x.decode() if isinstance(x, bytes) else str(x) for x in v])
            out[k] = v
        out["attrs"] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    return out


def backtest_calibration(bt):
    """Calibration plot of a backtest: observed coverage of the central 50/80/90% intervals against their
    nominal level, over every case (left) and per horizon (right), with the Wilson 95% intervals of the
    observed shares. Points on the diagonal: intervals hold what they claim; below it: too narrow."""
    levels = np.asarray(bt["level"], dtype=float)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1, 1.6]})
    a.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="nominal")
    cov, lo, hi = (np.asarray(bt[k], dtype=float) for k in ("all_coverage", "all_coverage_lower",
                                                           "all_coverage_upper"))
    a.errorbar(levels, cov, yerr=np.clip([cov - lo, hi - cov], 0, None), fmt="o", color=COLORS[0], capsize=4, ms=6,
               label=f"observed, {int(bt['attrs'].get('all_cases', 0))} cases (95% Wilson)")
    a.set_xlim(0.4, 1)
    a.set_ylim(0, 1)
    a.set_xlabel("nominal coverage of the central interval")
    a.set_ylabel("share of actuals inside")
    a.set_title("every case")
    a.legend(fontsize=7, loc="upper left")
    a.grid(alpha=0.3)
    hz = np.asarray(bt["horizon"])
    cov, lo, hi = (np.asarray(bt[k], dtype=float) for k in ("coverage", "coverage_lower", "coverage_upper"))
    for j, lev in enumerate(levels):
        x = hz + (j - 1) * 0.18
        err = np.clip([cov[:, j] - lo[:, j], hi[:, j] - cov[:, j]], 0, None)
        b.errorbar(x, cov[:, j], yerr=err, fmt="o", ms=4, capsize=2, color=COLORS[j], label=f"{lev:.0%} interval")
        b.axhline(lev, color=COLORS[j], lw=1, ls="--")
    n = np.asarray(bt["cases"])
    for x, k in zip(hz, n):
        b.annotate(str(int(k)), (x, 0.02), ha="center", fontsize=7, color="0.3")
    b.set_ylim(0, 1.05)
    b.set_xticks(hz)
    b.set_xlabel("horizon (years from the origin); cases per horizon at the bottom")
    b.set_ylabel("share of actuals inside")
    b.set_title("per horizon (dashed: nominal)")
    b.legend(fontsize=7, loc="lower right")
    b.grid(alpha=0.3)
    fig.suptitle("Backtest: nominal against observed coverage")
    fig.tight_layout()
    return fig


def backtest_table(bt):
    """(columns, rows) of the backtest scores per horizon and over every case, as `corridor backtest`
    prints them: coverage with its Wilson 95% interval, sharpness (width over the median), interval score
    and CRPS on ln values, median absolute percentage error."""
    cols = ["horizon (years)", "cases"]
    levels = [f"{x:.0%}" for x in np.asarray(bt["level"], dtype=float)]
    cols += [f"cover {lev} [Wilson 95%]" for lev in levels]
    cols += [f"width/median {lev}" for lev in levels]
    cols += [f"interval score {lev} (ln)" for lev in levels]
    cols += ["CRPS (ln)", "MdAPE"]

    def row(label, n, cov, lo, hi, sh, isc, crps, mdape):
        r = [label, int(n)]
        r += [f"{c:.2f} [{a:.2f}, {b:.2f}]" for c, a, b in zip(cov, lo, hi)]
        r += [round(float(x), 2) for x in sh]
        r += [round(float(x), 3) for x in isc]
        r += [round(float(crps), 3), f"{100 * float(mdape):.1f}%"]
        return r

    rows = []
    for i, h in enumerate(bt["horizon"]):
        rows.append(row(str(int(h)), bt["cases"][i], bt["coverage"][i], bt["coverage_lower"][i],
                        bt["coverage_upper"][i], bt["sharpness"][i], bt["interval_score"][i], bt["crps"][i],
                        bt["mdape"][i]))
    at = bt["attrs"]
    rows.append(row("all", at["all_cases"], bt["all_coverage"], bt["all_coverage_lower"], bt["all_coverage_upper"],
                    bt["all_sharpness"], bt["all_interval_score"], at["all_crps"], at["all_mdape"]))
    return cols, rows


def open_sweep(path):
    """The file of `corridor sweep`: a dict of its datasets (numpy arrays, strings decoded) and its attributes
    under "attrs" (as open_backtest)."""
    return open_backtest(path)


def sweep_active(sw):
    """The responses of a sweep that vary over its design (the others have no indices)."""
    var = np.asarray(sw["variance_total"], dtype=float)
    return [r for r, v in zip(sw["response"], var) if v == v and v > 0]


def sobol_bars(sw, response):
    """First-order and total Sobol indices of one response of a Sobol sweep, per parameter, with their
    bootstrap 95% intervals; the title gives the variance split (parameters against Monte Carlo noise)."""
    k = list(sw["response"]).index(response)
    params = list(sw["parameter"])
    y = np.arange(len(params))
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(params) + 1.6))
    for off, name, color, label in ((-0.2, "sobol_first", COLORS[0], "first order (Saltelli 2010)"),
                                    (0.2, "sobol_total", COLORS[1], "total (Jansen 1999)")):
        v = np.asarray(sw[name][k], dtype=float)
        lo = np.asarray(sw[name + "_lower"][k], dtype=float)
        hi = np.asarray(sw[name + "_upper"][k], dtype=float)
        err = np.clip(np.nan_to_num(np.array([v - lo, hi - v])), 0, None)
        ax.barh(y + off, np.nan_to_num(v), height=0.38, color=color, xerr=err, capsize=3, label=label)
    ax.set_yticks(y)
    ax.set_yticklabels(params, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlim(min(-0.05, ax.get_xlim()[0]), max(1.05, ax.get_xlim()[1]))
    ax.set_xlabel("Sobol index (share of the response's variance), bootstrap 95% intervals")
    vt, vmc = float(sw["variance_total"][k]), float(sw["variance_mc"][k])
    split = f"; mean sem² / variance {vmc / vt:.1%}" if vt > 0 and vmc == vmc else ""
    ax.set_title(f"{response} in {int(sw['attrs']['year'])} ({sw['attrs']['scenario']}){split}", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def sweep_table(sw):
    """(columns, rows): per response its range over the design, its variance and the Monte Carlo part of it."""
    cols = ["response", "min", "mean", "max", "variance", "Monte Carlo part", "parameters' part"]
    yv = np.asarray(sw["response_value"], dtype=float)
    rows = []
    for k, r in enumerate(sw["response"]):
        vt, vmc, vp = (float(sw[n][k]) for n in ("variance_total", "variance_mc", "variance_parameter"))
        rows.append([r, float(np.min(yv[:, k])), float(np.mean(yv[:, k])), float(np.max(yv[:, k])), vt,
                     f"{vmc / vt:.1%}" if vt > 0 and vmc == vmc else "n/a",
                     f"{vp / vt:.1%}" if vt > 0 and vp == vp else "n/a"])
    return cols, rows
