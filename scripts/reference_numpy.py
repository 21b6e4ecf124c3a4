#!/usr/bin/python3
"""Independent NumPy implementation of the demand model (MODEL.md section 3).

It reads a Corridor HDF5 input with h5py and simulates demand with NumPy's own
generator (not Philox), vectorised over paths. It shares no code with the C++
model, so agreement between the two is evidence that both implement the
specification. Used by tests/test_numpy_reference.py and scripts/bench.
"""
import sys

import h5py
import numpy as np


def col(f, table, name):
    v = f[table][name][()]
    if v.dtype.kind in "OS":
        return np.array([x.decode() if isinstance(x, bytes) else x for x in v])
    return v


def load(path):
    with h5py.File(path, "r") as f:
        base_year = int(f.attrs["base_year"])
        horizon = int(f.attrs["horizon_year"])
        s = {k: col(f, "series", k) for k in f["series"].keys()}
        ports = list(col(f, "ports", "id"))
        partners = list(col(f, "partners", "id"))
        sc = {k: col(f, "scenarios", k) for k in f["scenarios"].keys()}
        adj = {k: col(f, "adjustments", k) for k in f["adjustments"].keys()} if "adjustments" in f else None
    S = len(s["id"])
    Y = horizon - base_year + 1
    NS = len(sc["id"])
    A = np.zeros((NS, S, Y))
    if adj is not None:
        for r in range(len(adj["scenario"])):
            for k in range(NS):
                if adj["scenario"][r] not in ("*", sc["id"][k]):
                    continue
                for i in range(S):
                    ok = all(adj[c][r] in ("*", s[c][i]) for c in ("port", "partner", "mode", "metric"))
                    if ok:
                        y0, y1 = int(adj["year_from"][r]), int(adj["year_to"][r])
                        A[k, i, y0 - base_year:y1 - base_year + 1] += adj["growth"][r]
    return dict(s=s, ports=ports, partners=partners, sc=sc, A=A, S=S, Y=Y, NS=NS, base_year=base_year)


def simulate_demand(model, scenario, paths, seed):
    """Demand of every series, shape (paths, series, years)."""
    s, S, Y = model["s"], model["S"], model["Y"]
    sc = {k: v[scenario] for k, v in model["sc"].items()}
    rng = np.random.default_rng(seed)
    P, Q = len(model["partners"]), len(model["ports"])
    load = s["kind"] == "load"
    ids = list(s["id"])
    src = np.array([ids.index(x) if x else -1 for x in s["source_series"]])
    pi = np.array([model["partners"].index(x) for x in s["partner"]])
    qi = np.array([model["ports"].index(x) for x in s["port"]])
    base, mu, tau, sigma, phi = s["base_value"], s["mu"], s["tau"], s["sigma"], s["phi"]
    bR, bC, bP, expo = s["b_region"], s["b_partner"], s["b_port"], s["shock_exposure"]
    out = np.empty((paths, S, Y))
    m = mu + tau * rng.standard_normal((paths, S))
    gprev = m.copy()
    lnT = np.broadcast_to(np.log(base), (paths, S)).copy()
    lnI = np.zeros((paths, S))
    lnI[:, ~load] = np.log(base[~load] / base[src[~load]])
    Z = np.zeros((paths, S))
    out[:, :, 0] = base
    for t in range(1, Y):
        FR = rng.standard_normal((paths, 1))
        FC = rng.standard_normal((paths, P))
        FP = rng.standard_normal((paths, Q))
        e = rng.standard_normal((paths, S))
        g = m + phi * (gprev - m) + bR * FR + bC * FC[:, pi] + bP * FP[:, qi] + sigma * e
        gprev = g
        lnT += g + model["A"][scenario, :, t]  # adjustments add to the year's growth, not to the momentum
        jr = np.where(rng.random((paths, 1)) < sc["region_shock_prob"],
                      np.maximum(0, sc["region_shock_mean"] + sc["region_shock_sd"] * rng.standard_normal((paths, 1))), 0)
        jp = np.where(rng.random((paths, P)) < sc["partner_shock_prob"],
                      np.maximum(0, sc["partner_shock_mean"] + sc["partner_shock_sd"] * rng.standard_normal((paths, P))), 0)
        Z = sc["shock_decay"] * Z - expo * (jr + jp[:, pi])
        D = np.exp(lnT + Z)
        lnI[:, ~load] += mu[~load] + sigma[~load] * rng.standard_normal((paths, int((~load).sum())))
        D[:, ~load] = D[:, src[~load]] * np.exp(lnI[:, ~load])
        out[:, :, t] = D
    return out


def statistics(x, probs):
    """mean, sd, sem and numpy-default quantiles over paths (axis 0)."""
    n = x.shape[0]
    sd = x.std(axis=0, ddof=1)
    return x.mean(axis=0), sd, sd / np.sqrt(n), np.quantile(x, probs, axis=0)


def main():
    """reference_numpy.py INPUT.h5 PATHS [SEED]: times demand simulation plus
    statistics of every scenario and prints one line of figures (scripts/bench)."""
    import resource
    import time
    model = load(sys.argv[1])
    paths = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    probs = np.array([0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95])
    t0 = time.perf_counter()
    for k in range(model["NS"]):
        x = simulate_demand(model, k, paths, seed + k)
        statistics(x, probs)
        del x
    dt = time.perf_counter() - t0
    cells = paths * model["S"] * model["Y"] * model["NS"]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"numpy paths {paths} seconds {dt:.3f} cell_years_per_s {cells / dt:.4g} peak_rss_mb {rss:.0f}")


if __name__ == "__main__":
    main()
