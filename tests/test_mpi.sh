#!/bin/bash
# `mpirun -n R corridor run` gives the bytes of a one-process run (every
# numeric dataset; the provenance attributes `created` and, across builds,
# `git_sha` may differ), for R = 1, 2, 3, with a rank holding less than a
# block of paths or none, with --max-memory forcing several passes per rank,
# with sensitivity and saved paths; a failing rank ends every rank with one
# line naming it, no output and no temporary; bad input and refused outputs
# are reported once, with the status of a process alone; `sweep` splits each
# point's run likewise.
#   test_mpi.sh CORRIDOR ROOT MPIEXEC
set -u
corridor=$1
root=$2
mpiexec=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# ranks on however few cores; every run within a timeout, so a hung rank fails the test
mpi() { local n=$1; shift; timeout 120 "$mpiexec" --oversubscribe --bind-to none -n "$n" "$@"; }
same() { /usr/bin/python3 "$root/scripts/h5compare.py" "$1" "$2" >"$work/cmp" 2>&1; local rc=$?; cat "$work/cmp"; return $rc; }

"$corridor" import "$root/inputs/xinjiang" -o "$work/in.h5" >/dev/null
check "the default input imports" "[ -s '$work/in.h5' ]"

# paths: 5000 (blocks of 1024 split 2/2/1 and 3/2), 2100 (the last rank 52 paths), 1500 (R=3: the last rank none)
for n in 5000 2100 1500; do
  "$corridor" run "$work/in.h5" -o "$work/one-$n.h5" -n $n -t 2 -q --sensitivity-paths 0
  for r in 1 2 3; do
    [ $n -ne 5000 ] && [ $r -ne 3 ] && continue
    mpi $r "$corridor" run "$work/in.h5" -o "$work/r$r-$n.h5" -n $n -q --sensitivity-paths 0 2>"$work/err"
    rc=$?
    check "mpirun -n $r run -n $n exits 0 and prints nothing (exit $rc)" "[ $rc -eq 0 ] && [ ! -s '$work/err' ]"
    check "mpirun -n $r run -n $n: the one-process run's bytes" "same '$work/one-$n.h5' '$work/r$r-$n.h5'"
  done
done

# --max-memory: several passes per rank, the same bytes
mpi 2 "$corridor" run "$work/in.h5" -o "$work/mem.h5" -n 5000 --sensitivity-paths 0 --max-memory 48M >"$work/log" 2>&1
check "mpirun -n 2 --max-memory 48M makes several passes per rank" "grep -q ' passes over the paths' '$work/log'"
check "mpirun -n 2 --max-memory 48M: the one-process run's bytes" "same '$work/one-5000.h5' '$work/mem.h5'"

# sensitivity and saved paths (rank 0 computes them: functions of the paths' numbers)
"$corridor" run "$work/in.h5" -o "$work/one-sens.h5" -n 3000 -q --sensitivity-paths 1500 --save-paths
mpi 3 "$corridor" run "$work/in.h5" -o "$work/r3-sens.h5" -n 3000 -q --sensitivity-paths 1500 --save-paths
check "mpirun -n 3 with sensitivity and saved paths: the one-process run's bytes" \
  "same '$work/one-sens.h5' '$work/r3-sens.h5'"

# one rank fails after its first pass: one line naming it, every rank ends, nothing written
mkdir "$work/out"
start=$(date +%s)
CORRIDOR_TEST_FAIL_RANK=1 mpi 2 "$corridor" run "$work/in.h5" -o "$work/out/x.h5" -n 5000 -q 2>"$work/err" >/dev/null
rc=$?
took=$(($(date +%s) - start))
check "a failing rank: exit 1 (exit $rc), within the timeout (${took} s)" "[ $rc -eq 1 ]"
check "a failing rank: one line names it" "[ \$(grep -c '^corridor: rank 1: test failure' '$work/err') -eq 1 ]"
check "a failing rank: no other line of ours" "[ \$(grep -c -E '^(corridor|error):' '$work/err') -eq 1 ]"
check "a failing rank: no output, no temporary" "[ -z \"\$(ls -A '$work/out')\" ]"
CORRIDOR_TEST_FAIL_RANK=0 mpi 3 "$corridor" run "$work/in.h5" -o "$work/out/x.h5" -n 5000 -q 2>"$work/err" >/dev/null
rc=$?
check "rank 0 failing of 3: exit 1, one line, nothing written" \
  "[ $rc -eq 1 ] && [ \$(grep -c '^corridor: rank 0: test failure' '$work/err') -eq 1 ] && [ -z \"\$(ls -A '$work/out')\" ]"

# failures every rank finds before the exchanges: reported once, exit 2
mpi 3 "$corridor" run "$work/missing.h5" -o "$work/out/x.h5" -n 5000 -q 2>"$work/err" >/dev/null
rc=$?
check "a missing input under mpirun -n 3: exit 2 (exit $rc), one line" \
  "[ $rc -eq 2 ] && [ \$(grep -c '^error:' '$work/err') -eq 1 ] && [ -z \"\$(ls -A '$work/out')\" ]"
cp "$work/one-2100.h5" "$work/out/exists.h5"
mpi 2 "$corridor" run "$work/in.h5" -o "$work/out/exists.h5" -n 5000 -q 2>"$work/err" >/dev/null
rc=$?
check "an existing output without --force (rank 0 alone checks it): exit 2 (exit $rc), one line" \
  "[ $rc -eq 2 ] && [ \$(grep -c '^error:' '$work/err') -eq 1 ] && cmp -s '$work/one-2100.h5' '$work/out/exists.h5'"
rm -f "$work/out/exists.h5"

mpi 3 "$corridor" run "$work/in.h5" -o "$work/out/x.h5" -n 5000 -q --max-memory 4M 2>"$work/err" >/dev/null
rc=$?
check "a budget too small for every rank's share: exit 1 (exit $rc), one line naming the budget, nothing written" \
  "[ $rc -eq 1 ] && [ \$(grep -c '^error: --max-memory' '$work/err') -eq 1 ] && [ \$(grep -c -E '^(corridor|error):' '$work/err') -eq 1 ] && [ -z \"\$(ls -A '$work/out')\" ]"

# sweep: each design point's run split across the ranks, the bytes of one process
"$corridor" sweep "$work/in.h5" --ranges "$root/inputs/sweep_ranges.csv" --design lhs -N 4 -n 2100 -t 2 -q \
  -o "$work/sweep-one.h5"
mpi 3 "$corridor" sweep "$work/in.h5" --ranges "$root/inputs/sweep_ranges.csv" --design lhs -N 4 -n 2100 -q \
  -o "$work/sweep-r3.h5" 2>"$work/err"
rc=$?
check "mpirun -n 3 sweep exits 0 and prints nothing (exit $rc)" "[ $rc -eq 0 ] && [ ! -s '$work/err' ]"
check "mpirun -n 3 sweep: the one-process sweep's bytes" "same '$work/sweep-one.h5' '$work/sweep-r3.h5'"
printf 'table,row,column,distribution,low,high\ngroups,NOPE,capacity,uniform,1,2\n' >"$work/bad.csv"
mpi 2 "$corridor" sweep "$work/in.h5" --ranges "$work/bad.csv" --design lhs -N 4 -n 2100 -q -o "$work/out/s.h5" \
  2>"$work/err" >/dev/null
rc=$?
check "a bad ranges file under mpirun -n 2: exit 2 (exit $rc), reported once, nothing written" \
  "[ $rc -eq 2 ] && [ \$(grep -c '^error:' '$work/err') -eq 1 ] && [ -z \"\$(ls -A '$work/out')\" ]"

# any other command runs on rank 0 alone
mpi 3 "$corridor" replay "$work/in.h5" --path 17 -o "$work/out/replay.csv" >/dev/null 2>"$work/err"
rc=$?
check "mpirun -n 3 replay: rank 0 alone writes (exit $rc)" "[ $rc -eq 0 ] && [ -s '$work/out/replay.csv' ] && [ ! -s '$work/err' ]"

exit $fail
