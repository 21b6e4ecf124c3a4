#!/bin/bash
# The command line as a user runs it: import, validate, run, safe writes,
# interrupted runs, exit codes, replay; and the output as analysts open it.
set -u
corridor=$1
root=$2
work=$(mktemp -d)
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
meta=$(mktemp -d) # stdout and stderr of the commands under test, outside the user's folder
trap 'rm -rf "$work" "$meta"' EXIT
# every file of the user's folder with its sha256: compared before and after a refused command
snapshot() { (cd "$work" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
# expect STATUS MESSAGE NAME -- CMD...: CMD exits STATUS, prints exactly MESSAGE (one line) on stderr and
# nothing on stdout, and no file of the user's folder is created, changed or removed
expect() {
  local want_rc=$1 want_msg=$2 name=$3 before after rc msg
  shift 4
  before=$(snapshot)
  "$@" >"$meta/out" 2>"$meta/err"
  rc=$?
  after=$(snapshot)
  msg=$(cat "$meta/err")
  if [ "$rc" -eq "$want_rc" ] && [ "$msg" = "$want_msg" ] && [ ! -s "$meta/out" ] && [ "$before" = "$after" ]; then
    echo "ok: $name"
  else
    echo "FAIL: $name (exit $rc, stderr: $msg)"
    [ "$before" = "$after" ] || echo "  files of the user's folder changed"
    fail=1
  fi
}

"$corridor" import "$root/inputs/xinjiang" -o "$work/in.h5" >/dev/null
check "import writes the HDF5 input" "[ -s '$work/in.h5' ]"
"$corridor" validate "$work/in.h5" >/dev/null
check "validate accepts the default input" "[ $? -eq 0 ]"

"$corridor" run "$work/in.h5" -o "$work/out.h5" -n 2000 -q
check "run writes an output" "[ -s '$work/out.h5' ]"
sum=$(sha256sum "$work/out.h5" | cut -d' ' -f1)

"$corridor" run "$work/in.h5" -o "$work/out.h5" -n 2000 -q 2>"$work/err"
rc=$?
check "an existing output is refused without --force" "[ $rc -eq 2 ] && grep -q -- '--force' '$work/err'"
check "the refused output is untouched" "[ \"$(sha256sum "$work/out.h5" | cut -d' ' -f1)\" = $sum ]"

# interrupt a long run that would replace the output: old file intact, no temp left
"$corridor" run "$work/in.h5" -o "$work/out.h5" -n 3000000 --force -q &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
check "an interrupted run exits non-zero" "[ $rc -ne 0 ]"
check "an interrupted run leaves the previous output intact" "[ \"$(sha256sum "$work/out.h5" | cut -d' ' -f1)\" = $sum ]"
check "an interrupted run leaves no temporary file" "[ -z \"$(ls -A "$work" | grep tmp)\" ]"

# bad input: exit 2 and one line naming file, table, row and problem
mkdir "$work/bad" && cp "$root"/inputs/xinjiang/*.csv "$work/bad/"
sed -i 's/^ALA,Alashankou,land,45.17/ALA,Alashankou,land,145.17/' "$work/bad/ports.csv"
"$corridor" validate "$work/bad" 2>"$work/err"
rc=$?
check "bad input exits with status 2" "[ $rc -eq 2 ]"
check "bad input names file, row and problem" "grep -q \"ports.csv: row 1 (line 2): column 'lat': 145.17 is not a latitude\" '$work/err'"
"$corridor" run "$work/bad" -o "$work/never.h5" -n 10 -q 2>/dev/null
rc=$?
check "run refuses bad input before any work" "[ $rc -eq 2 ] && [ ! -e '$work/never.h5' ]"
echo "not hdf5" > "$work/fake.h5"
"$corridor" run "$work/fake.h5" -o "$work/never.h5" 2>"$work/err"
check "a file that is not HDF5 is refused" "[ $? -eq 2 ] && grep -q 'not an HDF5 file' '$work/err'"

# backend selection
"$corridor" run "$work/in.h5" -o "$work/c.h5" -n 10 --backend cuda -q 2>"$work/err"
rc=$?
check "--backend cuda without a GPU fails clearly" "[ $rc -ne 0 ] && grep -q 'backend cuda' '$work/err'"
# a crash (SIGKILL: no cleanup possible) never leaves a partial file at the target
sum=$(sha256sum "$work/out.h5" | cut -d' ' -f1)
"$corridor" run "$work/in.h5" -o "$work/out.h5" -n 3000000 --force -q &
pid=$!
sleep 2
kill -KILL $pid
wait $pid 2>/dev/null
check "a killed run leaves the previous output intact" "[ \"$(sha256sum "$work/out.h5" | cut -d' ' -f1)\" = $sum ]"
rm -f "$work"/.out.h5.tmp-*
# a full disk (a file size limit makes the writes fail): clear error, nothing left behind
mkdir "$work/full"
( trap '' XFSZ; ulimit -f 100; exec "$corridor" run "$work/in.h5" -o "$work/full/out.h5" -n 2000 -q ) 2>"$work/err"
rc=$?
check "a full disk fails with a clear error and leaves no file" \
  "[ $rc -eq 1 ] && grep -q '^error: ' '$work/err' && [ -z \"$(ls -A "$work/full")\" ]"

"$corridor" run "$work/in.h5" -o "$work/t1.h5" -n 500 -t 1 -q && "$corridor" run "$work/in.h5" -o "$work/t2.h5" -n 500 -t 2 --max-memory 40M -q
check "1 thread and 2 threads with a small budget give the same datasets" \
  "h5diff '$work/t1.h5' '$work/t2.h5' /flow_quantile && h5diff '$work/t1.h5' '$work/t2.h5' /total_quantile"

# the same run, the same file: no times in object headers, and the "created"
# attribute from SOURCE_DATE_EPOCH when it is set (a value that is not a
# number of seconds is ignored: the clock)
for k in 1 2; do
  SOURCE_DATE_EPOCH=1764547200 "$corridor" run "$work/in.h5" -o "$work/same$k.h5" -n 300 -q
  SOURCE_DATE_EPOCH=1764547200 "$corridor" import "$root/inputs/xinjiang" -o "$work/same_in$k.h5" >/dev/null
  sleep 1.1 # a clock in the file would differ
done
check "the same run twice writes the same bytes under SOURCE_DATE_EPOCH" \
  "cmp -s '$work/same1.h5' '$work/same2.h5' && h5dump -a created '$work/same1.h5' | grep -q '2025-12-01T00:00:00Z'"
check "the same import twice writes the same bytes" "cmp -s '$work/same_in1.h5' '$work/same_in2.h5'"
SOURCE_DATE_EPOCH=yesterday "$corridor" run "$work/in.h5" -o "$work/same3.h5" -n 300 -q
rc=$?
check "a SOURCE_DATE_EPOCH that is not a number leaves the clock" \
  "[ $rc -eq 0 ] && h5dump -a created '$work/same3.h5' | grep -q '\"$(date -u +%Y)-'"
rm -f "$work"/same*.h5

# replay
"$corridor" replay "$work/in.h5" --path 3 -o "$work/replay.csv"
check "replay writes the trajectory" "grep -q '^series,ALA_KAZ_rail_freight,2040,' '$work/replay.csv'"
bad_rows=$(awk -F, '($1 == "series" && NF != 11) || ($1 == "group" && NF != 13) || ($1 == "capture" && NF != 4)' "$work/replay.csv" | wc -l)
captures=$(/usr/bin/python3 -c 'import sys, h5py; f = h5py.File(sys.argv[1]); print(len(f["captures"]["corridor"]) if "captures" in f else 0)' "$work/in.h5")
check "replay writes what each capture took, every year ($captures captures)" \
  "[ \$(grep -c '^capture,' '$work/replay.csv') -eq \$(( captures * 17 )) ]"
check "replay names the network's columns, every row has them" \
  "grep -qx 'kind,id,year,demand,flow,unserved,diverted_out,diverted_in,cost,captured,share' '$work/replay.csv' &&
   grep -qx 'kind,id,year,capacity,closure_share_lost,capacity_left,demand,flow,utilization,demand_over_capacity,node_time,binding,capacity_in_force' '$work/replay.csv' &&
   [ $bad_rows -eq 0 ]"

# export / import round trip
"$corridor" export "$work/in.h5" "$work/exported" >/dev/null && "$corridor" import "$work/exported" -o "$work/in2.h5" >/dev/null
check "export then import gives the same tables" "h5diff '$work/in.h5' '$work/in2.h5'"

# analysts' tools
check "ncdump reads named dimensions" "ncdump -h '$work/out.h5' | grep -q 'double flow_quantile(scenario, series, year, quantile)'"
/usr/bin/python3 - "$work/out.h5" <<'PY'
import sys
import h5py
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
want = {
    "demand_mean": ("scenario", "series", "year"), "flow_mean": ("scenario", "series", "year"),
    "unserved_mean": ("scenario", "series", "year"), "flow_sd": ("scenario", "series", "year"),
    "flow_sem": ("scenario", "series", "year"),
    "flow_quantile": ("scenario", "series", "year", "quantile"),
    "demand_quantile": ("scenario", "series", "year", "quantile"),
    "unserved_quantile": ("scenario", "series", "year", "quantile"),
    "utilization_quantile": ("scenario", "group", "year", "quantile"),
    "p_over_capacity": ("scenario", "group", "year"),
    "total_by_partner_quantile": ("scenario", "partner", "metric", "year", "quantile"),
    "total_by_port_quantile": ("scenario", "port", "metric", "year", "quantile"),
    "total_by_mode_quantile": ("scenario", "mode", "metric", "year", "quantile"),
    "total_quantile": ("scenario", "metric", "year", "quantile"),
    "series_port": ("series",), "series_partner": ("series",), "series_mode": ("series",),
    "series_metric": ("series",), "series_unit": ("series",),
}
for name, dims in want.items():
    assert ds[name].dims == dims, (name, ds[name].dims)
    if name.endswith(("_mean", "_quantile", "_sd", "_sem")) or name.startswith("p_"):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
for a in ["Conventions", "title", "corridor_version", "git_sha", "seed", "paths", "rng", "backend",
          "input_sha256", "created"]:
    assert a in ds.attrs, a
assert ds.attrs["rng"] == "philox4x32-10"
assert list(ds["year"].values[[0, -1]]) == [2024, 2040]
# labelled selection works and the totals are sums of per-path flows: the
# Xinjiang total mean equals the sum of the series means of that metric
tot = ds.total_mean.sel(scenario="baseline", metric="freight")
ser = ds.flow_mean.sel(scenario="baseline").where(ds.series_metric == "freight").sum("series")
# (each path's value is stored in single precision: relative 2**-24 apart)
assert np.allclose(tot.values, ser.values, rtol=2.0**-22), (tot.values, ser.values)
# quantiles increase
q = ds.flow_quantile.values
assert (np.diff(q, axis=-1) >= 0).all()
# flows never exceed demand plus what can be diverted in, unserved never negative
assert (ds.unserved_quantile.values >= 0).all()
with h5py.File(sys.argv[1]) as f:
    assert f["flow_quantile"].compression == "gzip"
print("xarray/h5py checks passed")
PY
check "xarray and h5py read every variable with its dimensions and units" "[ $? -eq 0 ]"
# the network's datasets (MODEL.md section 9)
/usr/bin/python3 - "$work/out.h5" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
s3, s4 = ("scenario", "series", "year"), ("scenario", "series", "year", "quantile")
g3, g4 = ("scenario", "group", "year"), ("scenario", "group", "year", "quantile")
want = {"cost_mean": s3, "cost_quantile": s4, "share_mean": s3, "share_quantile": s4, "captured_mean": s3,
        "captured_quantile": s4, "wait_mean": g3, "wait_quantile": g4, "p_binding": g3, "capacity_mean": g3,
        "capacity_quantile": g4, "p_open": s3, "series_route": ("series",), "series_expansion": ("series",),
        "group_port": ("group",), "group_mode": ("group",), "group_metric": ("group",)}
for name, dims in want.items():
    assert ds[name].dims == dims, (name, ds[name].dims)
    assert "long_name" in ds[name].attrs, name
    if dims != ("series",) and dims != ("group",):
        assert "units" in ds[name].attrs, name
assert ds["group"].attrs["long_name"] == "capacity node"
assert ds.wait_mean.attrs["units"] == "h" and ds.wait_mean.dtype == np.float64  # hours, not decoded as time
p = ds.p_binding.values
assert ((p >= 0) & (p <= 1)).all() and (ds.wait_quantile.values >= 0).all()
sh = ds.share_quantile.values
assert ((sh >= 0) & (sh <= 1 + 1e-12)).all()
# captured demand leaves a source and joins a corridor: nothing counted twice
assert np.allclose(ds.captured_mean.sum("series").values, 0, atol=1e-6 * float(ds.demand_mean.max()))
# routes name capacity nodes; a derived series has none
for s, kind, r in zip(ds.series.values, ds.series_kind.values, ds.series_route.values):
    assert (r == "") if kind == "derived" else all(n in ds.group.values for n in r.split("|") if r), (s, r)
assert (ds.series_route.values != "").sum() > 5
# capacity in force: the nominal capacity, expansions opening in some paths and years only add to it
cm = ds.capacity_mean.values
assert (cm >= 0).all() and (np.diff(cm, axis=-1) >= -1e-9 * cm.max()).all()
assert (cm[..., -1] > cm[..., 0]).any(), "an expansion opens in some path"
print("network datasets: checks passed")
PY
check "the network's datasets: dimensions, units, routes, captures summing to 0" "[ $? -eq 0 ]"
# an input with new corridors (schema version 2): p_open is the cumulative opening distribution of
# expansion_years, the labels are the input's corridors, captures and routes
/usr/bin/python3 - "$work/in.h5" "$work/out.h5" <<'PY'
import sys
import h5py
import numpy as np
import xarray as xr

def table(f, name):
    g = f[name]
    return {k: [x.decode() if isinstance(x, bytes) else x for x in g[k][()]] for k in g}

ds = xr.open_dataset(sys.argv[2])
with h5py.File(sys.argv[1], "r") as f:
    if "routes" not in f:  # version 1: each load series through the one node of its port, mode and metric
        nodes = {tuple(k): g for g, *k in zip(ds.group.values, ds.group_port.values, ds.group_mode.values,
                                       ds.group_metric.values)}
        for s, kind, *k, r in zip(ds.series.values, ds.series_kind.values, ds.series_port.values,
                                  ds.series_mode.values, ds.series_metric.values, ds.series_route.values):
            assert r == (nodes.get(tuple(k), "") if kind == "load" else ""), (s, r)
        assert (ds.series_route.values != "").sum() > 5
    if "corridors" not in f or len(table(f, "corridors")["series"]) == 0:
        assert (ds.p_open.values == 1).all() and (ds.series_expansion.values == "").all()
        assert "capture" not in ds.dims
        print("no new corridors in the input: p_open 1, no captures; routes of version 1")
        sys.exit(0)
    cor, ey, cap, routes = (table(f, n) for n in ("corridors", "expansion_years", "captures", "routes"))
years = [int(y) for y in ds.year.values]
opens = dict(zip(cor["series"], cor["expansion"]))
assert {s: e for s, e in zip(ds.series.values, ds.series_expansion.values) if e} == opens
n = 0
for sc in ds.scenario.values:
    for s, e in opens.items():
        rows = [(int(y), p) for x, c, y, p in zip(ey["expansion"], ey["scenario"], ey["year"], ey["probability"])
                if x == e and c == sc]
        if not rows:
            rows = [(int(y), p) for x, c, y, p in zip(ey["expansion"], ey["scenario"], ey["year"],
                                                       ey["probability"]) if x == e and c in ("*", "")]
        want = [sum(p for y, p in rows if y <= year) for year in years]
        got = ds.p_open.sel(scenario=sc, series=s).values
        assert np.allclose(got, want, rtol=0, atol=1e-12), (sc, s, got, want)
        n += 1
others = [s for s in ds.series.values if s not in opens]
assert (ds.p_open.sel(series=others).values == 1).all()
assert sorted(zip(ds.capture_corridor.values, ds.capture_from.values)) == sorted(zip(cap["corridor"], cap["from"]))
chain = {}
for s, node in zip(routes["series"], routes["node"]):
    chain.setdefault(s, []).append(node)
for s, r in zip(ds.series.values, ds.series_route.values):
    assert r == "|".join(chain.get(s, [])), (s, r)
print(f"p_open of {n} corridor-scenario pairs is the cumulative opening distribution; labels match the input")
PY
check "p_open is the input's cumulative opening distribution; corridor, capture and route labels" "[ $? -eq 0 ]"

# summary and inspect, checked against the file
"$corridor" summary "$work/out.h5" > "$work/summary.txt"
check "summary prints the tables" "grep -q 'Capacity groups most likely to bind' '$work/summary.txt' && grep -q 'Largest diversions' '$work/summary.txt'"
"$corridor" summary "$work/out.h5" --format markdown | grep -q '^| metric' 
check "summary --format markdown writes pipe tables" "[ $? -eq 0 ]"
"$corridor" summary "$work/out.h5" --format csv > "$work/summary.csv"
check "summary --format csv is tidy" "head -1 '$work/summary.csv' | grep -q '^scenario,table,row,column,value$'"
"$corridor" summary "$work/out.h5" --format json --years 2030,2040 > "$work/summary.json"
/usr/bin/python3 - "$work/out.h5" "$work/summary.json" <<'PY'
import json
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
js = json.load(open(sys.argv[2]))
assert [s["id"] for s in js["scenarios"]] == list(ds.scenario.values)
n = 0
for s in js["scenarios"]:
    sc = s["id"]
    tables = {t["title"].split(":")[0].split(" (")[0]: t for t in s["tables"]}
    t = tables["Xinjiang totals by metric"]
    for metric, unit, year, med, lo, hi in t["rows"]:
        q = ds.total_quantile.sel(scenario=sc, metric=metric, year=year)
        assert med == q.sel(quantile=0.5).item() and lo == q.sel(quantile=0.05).item(), (sc, metric, year)
        assert hi == q.sel(quantile=0.95).item()
        n += 1
    t = tables["Capacity groups most likely to bind"]
    pmax = ds.p_over_capacity.sel(scenario=sc).max("year")
    ranked = [r[0] for r in t["rows"]]
    assert [pmax.sel(group=g).item() for g in ranked] == sorted(pmax.values, reverse=True)[:len(ranked)]
    for g, mx, at, first, p_last, u_last in t["rows"]:
        assert p_last == ds.p_over_capacity.sel(scenario=sc, group=g, year=2040).item()
        assert u_last == ds.utilization_quantile.sel(scenario=sc, group=g, year=2040, quantile=0.5).item()
        n += 1
    t = tables["Largest diversions in 2040"]
    for row in t["rows"]:
        series, dout = row[0], row[3]
        assert dout == ds.diverted_out_mean.sel(scenario=sc, series=series, year=2040).item()
        n += 1
    t = tables["Targets"]
    for row in t["rows"]:
        k = list(ds.target_name.values).index(row[0])
        assert row[2] == ds.p_target.sel(scenario=sc, year=2030).values[k]
        n += 1
assert n > 30, n
print(f"summary json: {n} rows match the file")
PY
check "summary values equal the stored values" "[ $? -eq 0 ]"
# the New corridors table, on a copy of the output where a series is marked as a new corridor
# capturing from two others, with known opening probabilities, never opening in one scenario
cp "$work/out.h5" "$work/marked.h5"
/usr/bin/python3 - "$work/marked.h5" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    f["series_expansion"][...] = [""] * len(f["series"])  # the input's own corridors, if any, unmarked
    for name in ("capture_corridor", "capture_from", "capture_share", "capture_taken_mean",
                 "capture_taken_quantile", "capture"):
        if name in f:
            del f[name]
    f["series_expansion"][1] = "E_new"
    po = f["p_open"][()]
    po[:, 1, :] = np.linspace(0, 0.75, po.shape[2])
    po[2, 1, :] = 0  # never opens in the third scenario
    f["p_open"][...] = po
    cq = f["captured_quantile"][()]
    cq[:, 1] = np.abs(cq[:, 1]) + np.arange(cq.shape[-1]) + 1  # into the corridor: increasing over quantiles
    cq[:, 0] = -(np.arange(cq.shape[-1])[::-1] + 1.0)  # out of a source: negative
    f["captured_quantile"][...] = cq
    f.create_dataset("capture_corridor", data=["c", "c"], dtype=h5py.string_dtype())
    f["capture_corridor"][...] = [f["series"][1], f["series"][1]]
    f.create_dataset("capture_from", data=[f["series"][0], f["series"][4]], dtype=h5py.string_dtype())
PY
"$corridor" summary "$work/out.h5" > "$work/plain.txt"
corridors=$(/usr/bin/python3 -c 'import sys, h5py; print(sum(1 for e in h5py.File(sys.argv[1])["series_expansion"][()] if e))' "$work/out.h5")
check "a New corridors table when the input has new corridors ($corridors)" \
  "[ \$(grep -c '^  New corridors' '$work/plain.txt') -eq \$(( corridors > 0 ? \$(grep -c '^== scenario' '$work/plain.txt') : 0 )) ]"
"$corridor" summary "$work/marked.h5" --format json > "$work/marked.json"
/usr/bin/python3 - "$work/marked.h5" "$work/marked.json" <<'PY'
import json
import sys
import xarray as xr
ds, js = xr.open_dataset(sys.argv[1]), json.load(open(sys.argv[2]))
ser, scen = [str(x) for x in ds.series.values], [str(x) for x in ds.scenario.values]
cor, sources = ser[1], [ser[0], ser[4]]
n = 0
for sc in js["scenarios"]:
    (t,) = [t for t in sc["tables"] if t["title"].startswith("New corridors")]
    assert "paired paths" in t["note"]
    rows = [dict(zip(t["columns"], r)) for r in t["rows"]]
    assert [r["series"] for r in rows] == [cor] * 3 + [sources[0]] * 3 + [sources[1]] * 3, rows
    assert [r["year"] for r in rows[:3]] == [2030, 2035, 2040]
    for r in rows:
        assert r["corridor"] == cor and r["role"] == ("new corridor" if r["series"] == cor else "source")
        at = dict(scenario=sc["id"], series=r["series"], year=r["year"])
        assert r["P(open by year)"] == ds.p_open.sel(scenario=sc["id"], series=cor, year=r["year"]).item()
        fq = ds.flow_quantile.sel(**at)
        assert [r["flow median"], r["flow 5%"], r["flow 95%"]] == [fq.sel(quantile=p).item() for p in (0.5, 0.05, 0.95)]
        cq = ds.captured_quantile.sel(**at)
        want = [cq.sel(quantile=p).item() for p in (0.5, 0.05, 0.95)]
        if r["role"] == "source":  # what is taken from it: -captured, its 5% from captured's 95%
            want = [-cq.sel(quantile=p).item() for p in (0.5, 0.95, 0.05)]
        assert [r["captured median"], r["captured 5%"], r["captured 95%"]] == want, (r, want)
        assert r["unserved median"] == ds.unserved_quantile.sel(**at, quantile=0.5).item()
        if sc["id"] == scen[2]:  # never opens here: no scenario to set beside
            assert r["scenario without it"] == "-" and r["flow median there"] == "-"
            assert r["unserved median there"] == "-"
        else:
            assert r["scenario without it"] == scen[2]
            assert r["flow median there"] == ds.flow_quantile.sel(scenario=scen[2], series=r["series"],
                                                                   year=r["year"], quantile=0.5).item()
            assert r["unserved median there"] == ds.unserved_quantile.sel(scenario=scen[2], series=r["series"],
                                                                           year=r["year"], quantile=0.5).item()
        n += 1
assert n == 9 * len(scen), n
print(f"New corridors table: {n} rows match the file")
PY
check "summary's New corridors table equals the stored values" "[ $? -eq 0 ]"
# with the run's own captures: a source's row shows what that corridor took from it (capture_taken)
"$corridor" summary "$work/out.h5" --format json > "$work/own.json"
/usr/bin/python3 - "$work/out.h5" "$work/own.json" <<'PY'
import json
import sys
import xarray as xr
ds, js = xr.open_dataset(sys.argv[1]), json.load(open(sys.argv[2]))
if "capture" not in ds.dims:
    print("no captures in the input")
    sys.exit(0)
pairs = {(c, f): k for k, (c, f) in enumerate(zip(ds.capture_corridor.values, ds.capture_from.values))}
n = 0
for sc in js["scenarios"]:
    (t,) = [t for t in sc["tables"] if t["title"].startswith("New corridors")]
    assert "what this corridor took from it" in t["note"]
    for r in (dict(zip(t["columns"], r)) for r in t["rows"]):
        if r["role"] != "source":
            continue
        q = ds.capture_taken_quantile.sel(scenario=sc["id"], year=r["year"]).isel(capture=pairs[(r["corridor"],
                                                                                                 r["series"])])
        assert [r["captured median"], r["captured 5%"], r["captured 95%"]] == \
            [q.sel(quantile=p).item() for p in (0.5, 0.05, 0.95)], r
        n += 1
assert n == 3 * len(pairs) * len(js["scenarios"]), n
print(f"{n} source rows show what their corridor took")
PY
check "summary: each source row shows what its corridor took (capture_taken)" "[ $? -eq 0 ]"
"$corridor" summary "$work/out.h5" --years 1999 2>"$work/err"
check "summary with a year outside the file fails clearly" "[ $? -ne 0 ] && grep -q '1999' '$work/err'"
"$corridor" inspect "$work/out.h5" > "$work/inspect.txt"
check "inspect lists datasets with their dimensions and the provenance" \
  "grep -q 'flow_quantile *(scenario=[1-9][0-9]*, series=[1-9][0-9]*, year=17, quantile=7)' '$work/inspect.txt' &&
   grep -q 'input_sha256 = ' '$work/inspect.txt' && grep -qx '  seed = 20240101' '$work/inspect.txt' &&
   grep -q '^  p_open  *(scenario=[0-9]*, series=[0-9]*, year=17) ' '$work/inspect.txt'"
# raw paths: the stored quantiles are numpy's quantiles of the raw paths as a
# run stores them for its statistics (single precision), exactly
"$corridor" run "$work/in.h5" -o "$work/paths.h5" -n 700 --save-paths -q
/usr/bin/python3 - "$work/paths.h5" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
assert ds.paths_flow.dims == ("scenario", "path", "series", "year"), ds.paths_flow.dims
p = ds["quantile"].values
x = ds.paths_flow.values.astype(np.float32).astype(np.float64)
q = np.moveaxis(np.quantile(x, p, axis=1), 0, -1)
assert np.array_equal(q, ds.flow_quantile.values)
assert not np.array_equal(np.quantile(ds.paths_flow.values, p, axis=1), np.quantile(x, p, axis=1))
assert np.allclose(x.mean(axis=1), ds.flow_mean.values, rtol=1e-12, atol=0)
PY
check "--save-paths writes paths_flow whose quantiles are the stored ones" "[ $? -eq 0 ]"

# calibration and backtest on the default input's history
"$corridor" calibrate "$work/in.h5" -o "$work/cal.h5" > "$work/cal.txt"
check "calibrate reports estimates with standard errors and writes a valid input" \
  "grep -q 'ALAP_KAZ_pipeline_oil .* +- ' '$work/cal.txt' && '$corridor' validate '$work/cal.h5' >/dev/null"
"$corridor" backtest "$work/in.h5" --origin 2013,2019,2022,2023 -n 2000 -o "$work/bt.h5" > "$work/bt.txt"
check "backtest scores intervals per horizon and writes them" \
  "grep -q 'cover 90%' '$work/bt.txt' && /usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1]); assert len(f['horizon'])>0 and f['case_quantile'].shape[1]==7\" '$work/bt.h5'"
"$corridor" backtest "$work/in.h5" --origin 1990 -n 100 > "$work/bt0.txt"
check "backtest without observations says so" "grep -q 'nothing to compare' '$work/bt0.txt'"

# the schema documentation is the schema
"$corridor" schema > "$work/schema.md"
check "inputs/README.md holds the schema that corridor schema prints" \
  "/usr/bin/python3 -c \"import sys; sys.exit(open(sys.argv[1]).read() not in open(sys.argv[2]).read())\" '$work/schema.md' '$root/inputs/README.md'"
# ---- the contract of the command line: usage and input errors exit 2 with one line naming the option,
# value or file; run-time failures exit 1; nothing of the user's is changed by a refused command
in="$work/in.h5"
out="$work/out.h5"
cmds="run, replay, import, export, validate, summary, calibrate, backtest, schema, inspect, sweep"
expect 2 "error: unknown command 'frobnicate'; the commands are $cmds" "an unknown command is named" -- \
  "$corridor" frobnicate "$in"
expect 2 "error: no command given; the commands are $cmds (see corridor --help)" "no command: exit 2" -- "$corridor"
expect 2 "error: The following argument was not expected: --bogus (see corridor run --help)" \
  "an unknown option: one line, exit 2" -- "$corridor" run "$in" -o "$work/new.h5" --bogus
expect 2 "error: --output is required (see corridor run --help)" "a missing option: one line, exit 2" -- \
  "$corridor" run "$in"
expect 2 "error: --backend: gpu not in {auto,cpu,cuda} (see corridor run --help)" "a value outside a set: exit 2" -- \
  "$corridor" run "$in" -o "$work/new.h5" --backend gpu
"$corridor" run --help >"$meta/out" 2>"$meta/err"
check "--help prints the command's options on stdout and exits 0" \
  "[ $? -eq 0 ] && grep -q -- '--utilization-threshold' '$meta/out' && [ ! -s '$meta/err' ]"

# numbers: strict decimal, range checked before conversion, NaN and infinities refused
u64="an integer in [0, 18446744073709551615]"
expect 2 "error: --seed: '-1' is not $u64" "--seed -1 is refused, not wrapped" -- \
  "$corridor" run "$in" -o "$work/new.h5" --seed -1
expect 2 "error: --seed: '18446744073709551616' is not $u64" "--seed 2^64 is refused, not saturated" -- \
  "$corridor" run "$in" -o "$work/new.h5" --seed 18446744073709551616
expect 2 "error: --seed: '99999999999999999999999' is not $u64" "a huge --seed is refused" -- \
  "$corridor" replay "$in" --path 1 --seed 99999999999999999999999
expect 2 "error: --seed: '0x10' is not $u64" "hexadecimal is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" --seed 0x10
expect 2 "error: --seed: '+7' is not $u64" "a sign where none belongs is refused" -- \
  "$corridor" backtest "$in" --origin 2019 --seed +7
expect 2 "error: --utilization-threshold: 'nan' is not a number in [0, 10]" "--utilization-threshold nan is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" --utilization-threshold nan
expect 2 "error: --utilization-threshold: 'inf' is not a number in [0, 10]" "--utilization-threshold inf is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" --utilization-threshold inf
expect 2 "error: --utilization-threshold: '1e400' is not a number in [0, 10]" "an overflowing real is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" --utilization-threshold 1e400
expect 2 "error: --quantiles: 'NaN' is not a number in [0, 1]" "--quantiles NaN is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" --quantiles 0.1,NaN
expect 2 "error: --quantiles: '0.4' does not increase on the probability before it" "--quantiles must increase" -- \
  "$corridor" run "$in" -o "$work/new.h5" --quantiles 0.5,0.4
expect 2 "error: --paths: '0' is not an integer in [1, 4000000000]" "--paths 0 is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" -n 0
expect 2 "error: --paths: '4294967296' is not an integer in [1, 4000000000]" "--paths 2^32 is refused, not wrapped" -- \
  "$corridor" run "$in" -o "$work/new.h5" -n 4294967296
expect 2 "error: --paths: '1e3' is not an integer in [2, 100000000]" "an exponent is no integer" -- \
  "$corridor" backtest "$in" --origin 2019 -n 1e3
expect 2 "error: --threads: '-1' is not an integer in [0, 2147483647]" "--threads -1 is refused" -- \
  "$corridor" run "$in" -o "$work/new.h5" -t -1
expect 2 "error: --max-memory: '0' is not a size like 2G, 512M or auto (K, M, G, T: powers of 1024; below 2^64 bytes)" \
  "--max-memory 0 is refused" -- "$corridor" run "$in" -o "$work/new.h5" --max-memory 0
expect 2 "error: --max-memory: '99999999T' is not a size like 2G, 512M or auto (K, M, G, T: powers of 1024; below 2^64 bytes)" \
  "--max-memory beyond 2^64 bytes is refused" -- "$corridor" run "$in" -o "$work/new.h5" --max-memory 99999999T
expect 2 "error: --sensitivity-paths: '1000001' is not an integer in [0, 1000000]" "--sensitivity-paths range" -- \
  "$corridor" run "$in" -o "$work/new.h5" --sensitivity-paths 1000001
expect 2 "error: --sensitivity-year: '20x5' is not an integer in [1000, 9999]" "--sensitivity-year must be a year" -- \
  "$corridor" run "$in" -o "$work/new.h5" --sensitivity-year 20x5
expect 2 "error: --sensitivity-year: 2050 is not a projected year of $in (2025-2040)" \
  "--sensitivity-year outside the projection is refused before any work" -- \
  "$corridor" run "$in" -o "$work/new.h5" --sensitivity-year 2050
expect 2 "error: --path: '-3' is not an integer in [0, 4294967295]" "replay --path -3 is refused" -- \
  "$corridor" replay "$in" --path -3
expect 2 "error: --years: '20.30' is not an integer in [1000, 9999]" "summary --years must be years" -- \
  "$corridor" summary "$out" --years 2030,20.30
expect 2 "error: --top: '0' is not an integer in [1, 100000]" "summary --top 0 is refused" -- \
  "$corridor" summary "$out" --top 0
expect 2 "error: --origin: '1099511627776' is not an integer in [1000, 9999]" "backtest --origin 2^40 is refused" -- \
  "$corridor" backtest "$in" --origin 2019,1099511627776
expect 2 "error: --years: 1999 is not a year of $out (2024-2040)" "summary --years outside the file: exit 2" -- \
  "$corridor" summary "$out" --years 1999
scenarios=$(/usr/bin/python3 -c 'import sys, h5py; print(", ".join(x.decode() for x in h5py.File(sys.argv[1])["scenario"][()]))' "$out")
expect 2 "error: --scenario: 'nope' is not a scenario of $in ($scenarios)" \
  "replay of an unknown scenario: exit 2" -- "$corridor" replay "$in" --path 1 --scenario nope

# threads: more than 2 per logical CPU are lowered, with a note; the output is the same
cores=$(nproc)
"$corridor" run "$in" -o "$work/t4096.h5" -n 300 -t 4096 --sensitivity-paths 0 -q 2>"$meta/err"
rc=$?
check "--threads 4096 is lowered to 2 per logical CPU with a note" \
  "[ $rc -eq 0 ] && grep -qx 'note: --threads 4096 is more than 2 per logical CPU ($cores here); using $((2 * cores)) (more threads only add overhead; the results do not depend on the thread count)' '$meta/err'"
"$corridor" run "$in" -o "$work/t1.300.h5" -n 300 -t 1 --sensitivity-paths 0 -q
check "the lowered thread count gives the same statistics" \
  "h5diff '$work/t4096.h5' '$work/t1.300.h5' /flow_quantile && h5diff '$work/t4096.h5' '$work/t1.300.h5' /total_quantile"

# a file of the wrong kind: one line naming the file, what it is and what was expected
want_in="reads an input (an HDF5 input from corridor import, or a folder of CSV tables)"
expect 2 "error: $out: a corridor run output; corridor run $want_in" "run of a run output: one line" -- \
  "$corridor" run "$out" -o "$work/new.h5"
expect 2 "error: $out: a corridor run output; corridor validate $want_in" "validate of a run output: one line" -- \
  "$corridor" validate "$out"
expect 2 "error: $out: a corridor run output; corridor replay $want_in" "replay of a run output: one line" -- \
  "$corridor" replay "$out" --path 1
expect 2 "error: $out: a corridor run output; corridor calibrate $want_in" "calibrate of a run output: one line" -- \
  "$corridor" calibrate "$out" -o "$work/new.h5"
expect 2 "error: $out: a corridor run output; corridor backtest $want_in" "backtest of a run output: one line" -- \
  "$corridor" backtest "$out" --origin 2019
expect 2 "error: $out: a corridor run output; corridor export reads an HDF5 input (from corridor import)" \
  "export of a run output: one line" -- "$corridor" export "$out" "$work/never"
expect 2 "error: $in: a corridor input; corridor summary reads the output of corridor run" \
  "summary of an input names the file and what it is" -- "$corridor" summary "$in"
expect 2 "error: $work/bt.h5: a corridor backtest output; corridor summary reads the output of corridor run" \
  "summary of a backtest output: one line" -- "$corridor" summary "$work/bt.h5"
expect 2 "error: $in: a corridor input; corridor import reads a folder of CSV tables" \
  "import of an HDF5 file: one line" -- "$corridor" import "$in" -o "$work/new.h5"
expect 2 "error: $work/nothere.h5: no such file or folder" "a missing file: one line, exit 2" -- \
  "$corridor" summary "$work/nothere.h5"
expect 2 "error: $work/fake.h5: not an HDF5 file (or truncated)" "inspect of a file that is not HDF5: exit 2" -- \
  "$corridor" inspect "$work/fake.h5"
expect 2 "error: $in: is the input $in; write the output elsewhere" "an output onto its own input is refused" -- \
  "$corridor" calibrate "$in" -o "$in" --force
expect 2 "error: $work/nodir: no such folder for the output $work/nodir/x.h5" "an output in a missing folder is refused first" -- \
  "$corridor" run "$in" -o "$work/nodir/x.h5"
expect 2 "error: $work/exported: exists; use --force to replace it" \
  "export refuses to replace a folder's tables without --force" -- "$corridor" export "$in" "$work/exported"
expect 2 "error: $out: exists and is not a folder; refusing to replace it" \
  "export onto a file is refused" -- "$corridor" export "$in" "$out" --force
"$corridor" export "$in" "$work/exported" --force >/dev/null
check "export --force replaces the tables" "[ $? -eq 0 ] && [ -s '$work/exported/series.csv' ]"

# write errors on standard output: exit 1 and one line, for every command that prints
for c in "summary $out" "summary $out --format json" "inspect $out" "schema" "validate $in" "replay $in --path 2" \
  "--help" "--version"; do
  # shellcheck disable=SC2086
  "$corridor" $c >/dev/full 2>"$meta/err"
  rc=$?
  check "corridor $c > /dev/full exits 1 with one line" \
    "[ $rc -eq 1 ] && [ \"\$(cat '$meta/err')\" = 'error: cannot write to standard output' ]"
done
exit $fail
