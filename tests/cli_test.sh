#!/bin/bash
# The command line as a user runs it: import, validate, run, safe writes,
# interrupted runs, exit codes, replay; and the output as analysts open it.
set -u
corridor=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

"$corridor" import "$root/inputs/xinjiang" -o "$work/in.h5" >/dev/null
check "import writes the HDF5 input" "[ -s '$work/in.h5' ]"
"$corridor" validate "$work/in.h5" >/dev/null
check "validate accepts the default input" "[ $? -eq 0 ]"

"$corridor" run "$work/in.h5" -o "$work/out.h5" -n 2000 -q
check "run writes an output" "[ -s '$work/out.h5' ]"
sum=$(sha256sum "$work/out.h5" | cut -d' ' -f1)

"$corridor" run "$work/in.h5" -o "$work/out.h5" -n 2000 -q 2>"$work/err"
rc=$?
check "an existing output is refused without --force" "[ $rc -ne 0 ] && grep -q -- '--force' '$work/err'"
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

# replay
"$corridor" replay "$work/in.h5" --path 3 -o "$work/replay.csv"
check "replay writes the trajectory" "grep -q '^series,ALA_KAZ_rail_freight,2040,' '$work/replay.csv'"

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
assert np.allclose(tot.values, ser.values, rtol=1e-12), (tot.values, ser.values)
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
"$corridor" summary "$work/out.h5" --years 1999 2>"$work/err"
check "summary with a year outside the file fails clearly" "[ $? -ne 0 ] && grep -q '1999' '$work/err'"
"$corridor" inspect "$work/out.h5" > "$work/inspect.txt"
check "inspect lists datasets with their dimensions and the provenance" \
  "grep -q 'flow_quantile *(scenario=3, series=30, year=17, quantile=7)' '$work/inspect.txt' && grep -q 'input_sha256 = ' '$work/inspect.txt'"
# raw paths: the stored quantiles are numpy's quantiles of the raw paths, exactly
"$corridor" run "$work/in.h5" -o "$work/paths.h5" -n 700 --save-paths -q
/usr/bin/python3 - "$work/paths.h5" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
assert ds.paths_flow.dims == ("scenario", "path", "series", "year"), ds.paths_flow.dims
p = ds["quantile"].values
q = np.moveaxis(np.quantile(ds.paths_flow.values, p, axis=1), 0, -1)
assert np.array_equal(q, ds.flow_quantile.values)
assert np.allclose(ds.paths_flow.mean("path").values, ds.flow_mean.values, rtol=1e-12, atol=0)
PY
check "--save-paths writes paths_flow whose quantiles are the stored ones" "[ $? -eq 0 ]"

# calibration and backtest on the default input's history
"$corridor" calibrate "$work/in.h5" -o "$work/cal.h5" > "$work/cal.txt"
check "calibrate reports estimates with standard errors and writes a valid input" \
  "grep -q 'HORP_TKM_pipeline_gas .* +- ' '$work/cal.txt' && '$corridor' validate '$work/cal.h5' >/dev/null"
"$corridor" backtest "$work/in.h5" --origin 2013,2019,2022,2023 -n 2000 -o "$work/bt.h5" > "$work/bt.txt"
check "backtest scores intervals per horizon and writes them" \
  "grep -q 'cover 90%' '$work/bt.txt' && /usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1]); assert len(f['horizon'])>0 and f['case_quantile'].shape[1]==7\" '$work/bt.h5'"
"$corridor" backtest "$work/in.h5" --origin 1990 -n 100 > "$work/bt0.txt"
check "backtest without observations says so" "grep -q 'nothing to compare' '$work/bt0.txt'"

# the schema documentation is the schema
"$corridor" schema > "$work/schema.md"
check "inputs/README.md holds the schema that corridor schema prints" \
  "/usr/bin/python3 -c \"import sys; sys.exit(open(sys.argv[1]).read() not in open(sys.argv[2]).read())\" '$work/schema.md' '$root/inputs/README.md'"
exit $fail
