#!/bin/bash
# --max-memory on an input of many series: the run's peak resident memory
# stays within the budget (several passes over the paths), the output is the
# same as without a budget, and a budget below the run's floor is refused up
# front with one line naming the minimum, writing nothing.
#   memory_test.sh CORRIDOR ROOT [plain|sanitized]
# (sanitized: a sanitizer build, whose resident memory is mostly the
# sanitizer's own, so the peak is printed but not held to the budget)
set -u
corridor=$1
root=$2
build=${3:-plain}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
# peak resident set of a command, in KiB (getrusage of the child)
peak_kib() {
  /usr/bin/python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)' "$@"
}

# 600 series: 20 copies of the default input as regions of their own
/usr/bin/python3 "$root/scripts/bench_input.py" "$work/many" --copies-of "$root/inputs/xinjiang" --series 600
"$corridor" import "$work/many" -o "$work/many.h5" >/dev/null
check "the many-series input imports" "[ -s '$work/many.h5' ]"

budget_mib=160 # the statistics kept of 600 series x 5 scenarios with the network's cells take most of it
kib=$(peak_kib "$corridor" run "$work/many.h5" -o "$work/limited.h5" -n 200 -t 2 --sensitivity-paths 100 \
  --max-memory ${budget_mib}M 2>&1 | tee "$work/log" | tail -1)
echo "peak resident memory with --max-memory ${budget_mib}M: $kib KiB"
check "a run of 600 series within --max-memory ${budget_mib}M succeeds" "[ $kib -gt 0 ]"
if [ "$build" = sanitized ]; then
  echo "skip: its peak resident memory stays within the budget (a sanitizer build)"
else
  check "its peak resident memory stays within the budget" "[ $kib -le $((budget_mib * 1024)) ]"
fi
check "the budget takes several passes over the paths" "grep -q ' passes over the paths' '$work/log'"
"$corridor" run "$work/many.h5" -o "$work/free.h5" -n 200 -t 2 --sensitivity-paths 100 -q
check "the output is the same as without a budget" \
  "/usr/bin/python3 '$root/scripts/h5compare.py' '$work/free.h5' '$work/limited.h5' >/dev/null"

# 2,000 series: there the sensitivity's correlations (3,363 drivers x 788
# responses) are the peak, after the run has freed its buffers; 450M holds
# them (the budget needed is 447.9 MiB) only if the memory the run freed is
# handed back and the sensitivity's own copy of the model is counted
/usr/bin/python3 "$root/scripts/bench_input.py" "$work/wide" --copies-of "$root/inputs/xinjiang" --series 2000
"$corridor" import "$work/wide" -o "$work/wide.h5" >/dev/null
kib=$(peak_kib "$corridor" run "$work/wide.h5" -o "$work/wide-out.h5" -n 200 -t 2 --sensitivity-paths 100 \
  --max-memory 450M -q)
echo "peak resident memory of 2,000 series with --max-memory 450M: $kib KiB"
check "a run of 2,000 series with its sensitivity within --max-memory 450M succeeds" "[ $kib -gt 0 ]"
if [ "$build" != sanitized ]; then
  check "its peak resident memory, the sensitivity's, stays within the budget" "[ $kib -le $((450 * 1024)) ]"
fi
rm -rf "$work/wide" "$work/wide.h5" "$work/wide-out.h5"

"$corridor" run "$work/many.h5" -o "$work/small.h5" -n 200 --max-memory 8M -q 2>"$work/err"
rc=$?
check "a budget below the floor exits 1" "[ $rc -eq 1 ]"
check "with one line naming the minimum" \
  "[ \$(wc -l < '$work/err') -eq 1 ] && grep -q '^error: --max-memory 8.0 MiB is too small for .*: at least [0-9.]* MiB is needed' '$work/err'"
check "and writes nothing" "[ ! -e '$work/small.h5' ]"
# 20,000 paths: the run alone fits in many passes, not with the sensitivity's columns
"$corridor" run "$work/many.h5" -o "$work/small.h5" -n 20000 --max-memory 150M -q 2>"$work/err"
rc=$?
check "a budget the sensitivity does not fit is refused before the run" \
  "[ $rc -eq 1 ] && grep -q 'too small for the sensitivity of [0-9]* drivers and [0-9]* responses over 20000 paths: at least' '$work/err' && [ ! -e '$work/small.h5' ]"
exit $fail
