#!/bin/bash
# Every file Corridor writes: each case gives one clear line and the right exit
# status (2 for usage and input errors, 1 for run-time failures such as a full
# disk, which a file size limit stands in for), and nothing of the user's is
# lost or half-written. Usage: files_test.sh CORRIDOR SOURCE_ROOT
set -u
corridor=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
# no temporary file or folder left in a folder
no_temp() { [ -z "$(find "${1:-.}" -name '.*.tmp-*' | head -1)" ]; }
# the line of the error and the exit status of the last command
run_rc() { "$@" >out 2>err; rc=$?; cat err >>all_err; }
small=(-n 200 -q --sensitivity-paths 0)

"$corridor" import "$root/inputs/xinjiang" -o in.h5 >/dev/null || { echo "FAIL: import"; exit 1; }
in_sum=$(sum in.h5)
"$corridor" run in.h5 -o out.h5 "${small[@]}" || { echo "FAIL: run"; exit 1; }
out_sum=$(sum out.h5)

# ---- output = input: refused even with --force (also via links) ----------
run_rc "$corridor" run in.h5 -o in.h5 "${small[@]}" --force
check "run -o INPUT --force: exit 2, names the input" \
  "[ $rc -eq 2 ] && grep -qx 'error: in.h5: is the input in.h5; write the output elsewhere' err"
check "run -o INPUT: the input is untouched" "[ \$(sum in.h5) = $in_sum ]"
ln in.h5 hard.h5
run_rc "$corridor" run in.h5 -o hard.h5 "${small[@]}" --force
check "run -o (hard link to the input) --force is refused" \
  "[ $rc -eq 2 ] && grep -qx 'error: hard.h5: is the input in.h5; write the output elsewhere' err && [ \$(sum in.h5) = $in_sum ]"
ln -s in.h5 soft.h5
run_rc "$corridor" run in.h5 -o soft.h5 "${small[@]}" --force
check "run -o (symbolic link to the input) --force is refused" \
  "[ $rc -eq 2 ] && grep -q 'is the input' err && [ -L soft.h5 ] && [ \$(sum in.h5) = $in_sum ]"
run_rc "$corridor" run soft.h5 -o in.h5 "${small[@]}" --force
check "run (input through a link) -o the linked file --force is refused" "[ $rc -eq 2 ] && [ \$(sum in.h5) = $in_sum ]"
run_rc "$corridor" calibrate in.h5 -o in.h5 --force
check "calibrate -o INPUT --force: exit 2, input untouched" \
  "[ $rc -eq 2 ] && grep -q 'in.h5: is the input' err && [ \$(sum in.h5) = $in_sum ]"
run_rc "$corridor" backtest in.h5 --origin 2018 -n 20 -o hard.h5 --force
check "backtest -o (hard link to INPUT) --force: exit 2, input untouched" \
  "[ $rc -eq 2 ] && grep -q 'hard.h5: is the input' err && [ \$(sum in.h5) = $in_sum ]"
cp -r "$root/inputs/xinjiang" csvin
meta_sum=$(sum csvin/meta.csv)
run_rc "$corridor" import csvin -o csvin/meta.csv --force
check "import -o (a table of the input folder) --force is refused" \
  "[ $rc -eq 2 ] && grep -q 'csvin/meta.csv: is the input csvin/meta.csv' err && [ \$(sum csvin/meta.csv) = $meta_sum ]"
rm -rf csvin

# ---- symbolic links: planted temporary names and the output itself -------
echo "victim" >victim
victim_sum=$(sum victim)
# the temporary names of earlier versions (.NAME.tmp-PID) for the next PIDs
next=$(sh -c 'echo $$')
for p in $(seq "$next" $((next + 300))); do ln -s "$work/victim" ".new.h5.tmp-$p"; done
ln -s "$work/victim" .new.h5.tmp-XXXXXX
"$corridor" run in.h5 -o new.h5 "${small[@]}"
rc=$?
check "run next to planted temp-like symbolic links succeeds" "[ $rc -eq 0 ] && [ -f new.h5 ] && [ ! -L new.h5 ]"
check "a planted symbolic link's target is untouched" "[ \$(sum victim) = $victim_sum ]"
check "the planted links are left alone" "[ \$(find . -maxdepth 1 -name '.new.h5.tmp-*' -type l | wc -l) -eq 302 ]"
find . -maxdepth 1 -name '.new.h5.tmp-*' -type l -delete
ln -s victim link.h5
run_rc "$corridor" run in.h5 -o link.h5 "${small[@]}" --force
check "run -o (a symbolic link) --force: exit 2, link and target untouched" \
  "[ $rc -eq 2 ] && grep -qx 'error: link.h5: is a symbolic link; refusing to replace it' err && [ -L link.h5 ] && [ \$(sum victim) = $victim_sum ]"

# ---- two writers of one new output: exactly one wins, the file is whole ----
"$corridor" run in.h5 -o race.h5 -n 3000 -q --sensitivity-paths 0 2>race1 &
p1=$!
"$corridor" run in.h5 -o race.h5 -n 3000 -q --sensitivity-paths 0 2>race2 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check "two writers of one new output: one exits 0, the other 2 (got $r1 $r2)" \
  "[ \$((r1 + r2)) -eq 2 ] && [ \$((r1 * r2)) -eq 0 ]"
# the refused writer says so: "written meanwhile" when the two overlapped, plain
# "exists" when a loaded machine started the second after the first had finished
check "the refused writer says so" \
  "cat race1 race2 | grep -qxE 'error: race.h5: exists( \\(written meanwhile by another command\\))?; use --force to replace it'"
check "the winner's output is whole" "\"$corridor\" summary race.h5 >/dev/null && no_temp ."

# ---- not a regular file ---------------------------------------------------
run_rc "$corridor" run in.h5 -o /dev/null "${small[@]}" --force
check "run -o /dev/null --force: exit 2, /dev/null still a device" \
  "[ $rc -eq 2 ] && grep -qx 'error: /dev/null: is not a regular file; refusing to replace it' err && [ -c /dev/null ]"
run_rc "$corridor" replay in.h5 -w 1 -o /dev/null --force
check "replay -o /dev/null --force is refused" "[ $rc -eq 2 ] && [ -c /dev/null ]"
mkdir adir
run_rc "$corridor" run in.h5 -o adir "${small[@]}" --force
check "run -o (a folder) --force is refused" "[ $rc -eq 2 ] && grep -q 'adir: is not a regular file' err && [ -d adir ]"

# ---- replay -o and export onto existing outputs ---------------------------
echo "mine" >mine.csv
mine_sum=$(sum mine.csv)
run_rc "$corridor" replay in.h5 -w 1 -o mine.csv
check "replay -o EXISTING without --force: exit 2, file untouched" \
  "[ $rc -eq 2 ] && grep -qx 'error: mine.csv: exists; use --force to replace it' err && [ \$(sum mine.csv) = $mine_sum ]"
run_rc "$corridor" replay in.h5 -w 1 -o mine.csv --force
check "replay -o EXISTING --force replaces it" "[ $rc -eq 0 ] && grep -q '^series,' mine.csv && no_temp ."
"$corridor" export in.h5 ex >/dev/null
ex_sum=$(cat ex/*.csv | sha256sum)
run_rc "$corridor" export in.h5 ex
check "export onto an existing folder without --force: exit 2, folder untouched" \
  "[ $rc -eq 2 ] && grep -qx 'error: ex: exists; use --force to replace it' err && [ \"\$(cat ex/*.csv | sha256sum)\" = \"$ex_sum\" ]"
run_rc "$corridor" export in.h5 mine.csv
check "export onto an existing file is refused" "[ $rc -eq 2 ] && grep -q 'mine.csv: exists and is not a folder' err"
echo "old" >ex/zz_old.csv
run_rc "$corridor" export in.h5 ex --force
check "export --force replaces a folder of CSV tables whole" \
  "[ $rc -eq 0 ] && [ ! -e ex/zz_old.csv ] && [ \"\$(cat ex/*.csv | sha256sum)\" = \"$ex_sum\" ] && no_temp ."
touch ex/notes.txt
run_rc "$corridor" export in.h5 ex --force
check "export --force onto a folder holding other files is refused" \
  "[ $rc -eq 2 ] && grep -qx 'error: ex: holds more than CSV tables; refusing to replace it' err && [ -e ex/notes.txt ]"
run_rc "$corridor" run in.h5 -o out.h5 "${small[@]}"
check "run onto an existing output without --force: exit 2" \
  "[ $rc -eq 2 ] && grep -qx 'error: out.h5: exists; use --force to replace it' err && [ \$(sum out.h5) = $out_sum ]"

# ---- a missing output folder is refused before any work -------------------
start=$(date +%s%N)
run_rc "$corridor" run in.h5 -o nodir/out.h5 -n 4000000 -q
ms=$((($(date +%s%N) - start) / 1000000))
check "run -o MISSING/out.h5: exit 2 at once (${ms} ms)" \
  "[ $rc -eq 2 ] && grep -qx 'error: nodir: no such folder for the output nodir/out.h5' err && [ $ms -lt 3000 ]"
for cmd in "calibrate in.h5 -o nodir/c.h5" "backtest in.h5 --origin 2018 -o nodir/b.h5" "import $root/inputs/xinjiang -o nodir/i.h5" \
  "export in.h5 nodir/ex" "replay in.h5 -w 1 -o nodir/r.csv"; do
  run_rc "$corridor" $cmd
  check "${cmd%% *} to a missing folder: exit 2" "[ $rc -eq 2 ] && grep -q '^error: nodir: no such folder for the output' err && [ ! -e nodir ]"
done
run_rc "$corridor" run in.h5 -o mine.csv/out.h5 "${small[@]}"
check "an output inside a file: exit 2" "[ $rc -eq 2 ] && grep -qx 'error: mine.csv: not a folder (the output mine.csv/out.h5 goes there)' err"

# ---- a file size limit (stands in for a full disk): SIGXFSZ is ignored ----
mkdir full
cp out.h5 full/keep.h5
( ulimit -f 100; exec "$corridor" run in.h5 -o full/out.h5 "${small[@]}" ) >out 2>err
rc=$?
cat err >>all_err
check "run past a file size limit: exit 1, one line naming the output" \
  "[ $rc -eq 1 ] && [ \$(wc -l <err) -eq 1 ] && grep -qx 'error: full/out.h5: cannot write (disk full?)' err"
check "run past a file size limit: no file and no temp left" "[ ! -e full/out.h5 ] && no_temp full"
( ulimit -f 100; exec "$corridor" run in.h5 -o full/keep.h5 "${small[@]}" --force ) >out 2>err
rc=$?
cat err >>all_err
check "run --force past a file size limit keeps the previous output" \
  "[ $rc -eq 1 ] && cmp -s full/keep.h5 out.h5 && no_temp full"
( ulimit -f 4; exec "$corridor" export in.h5 full/ex ) >out 2>err
rc=$?
cat err >>all_err
check "export past a file size limit: exit 1, no 'exported', nothing left" \
  "[ $rc -eq 1 ] && grep -q '^error: full/ex/.*: cannot write (disk full?)' err && [ ! -s out ] && [ ! -e full/ex ] && no_temp full"
( ulimit -f 20; exec "$corridor" replay in.h5 -w 1 -o full/r.csv ) >out 2>err
rc=$?
cat err >>all_err
check "replay past a file size limit: exit 1, no truncated CSV" \
  "[ $rc -eq 1 ] && grep -qx 'error: full/r.csv: cannot write (disk full?): File too large' err && [ ! -e full/r.csv ] && no_temp full"
( ulimit -f 20; exec "$corridor" import "$root/inputs/xinjiang" -o full/i.h5 ) >out 2>err
rc=$?
cat err >>all_err
check "import past a file size limit: exit 1, nothing left" "[ $rc -eq 1 ] && [ ! -e full/i.h5 ] && no_temp full"
( ulimit -f 2; exec "$corridor" backtest in.h5 --origin 2018 -n 20 -o full/b.h5 ) >out 2>err
rc=$?
cat err >>all_err
check "backtest past a file size limit: exit 1 (no crash), nothing left" \
  "[ $rc -eq 1 ] && grep -qx 'error: full/b.h5: cannot write (disk full?): File too large' err && [ ! -e full/b.h5 ] && no_temp full"

# ---- scripts/report: the same rules for the report folder ----------------
if /usr/bin/python3 -c 'import matplotlib, h5py, xarray' 2>/dev/null; then
  report=(/usr/bin/python3 "$root/scripts/report" out.h5 --corridor "$corridor")
  mkdir rep && echo "mine" >rep/index.html
  run_rc "${report[@]}" -o rep
  check "report onto an existing folder without --force: exit 2, untouched" \
    "[ $rc -eq 2 ] && grep -qx 'report: rep: exists; use --force to replace it' err && grep -qx mine rep/index.html"
  touch rep/notes.txt
  run_rc "${report[@]}" -o rep --force
  check "report --force onto a folder holding more than a report is refused" \
    "[ $rc -eq 2 ] && grep -q 'rep: holds more than a report' err && grep -qx mine rep/index.html"
  rm rep/notes.txt
  run_rc "${report[@]}" -o rep --force
  check "report --force replaces a previous report" "[ $rc -eq 0 ] && grep -q '<html' rep/index.html && no_temp ."
  run_rc "${report[@]}" -o nodir/rep
  check "report to a missing folder: exit 2" "[ $rc -eq 2 ] && grep -qx 'report: nodir: no such folder for the output nodir/rep' err"
  ( ulimit -f 30; exec "${report[@]}" -o full/rep ) >out 2>err
  rc=$?
  cat err >>all_err
  check "report past a file size limit: exit 1, nothing left" \
    "[ $rc -eq 1 ] && grep -qx 'report: full/rep: cannot write (disk full?): File too large' err && [ ! -e full/rep ] && no_temp full"
else
  echo "skipped: scripts/report (no matplotlib, h5py or xarray)"
fi

# ---- signals still remove the temporary file -------------------------------
# The signal must land while the temporary file exists: a run that finished
# before it (a loaded machine that polls late) is tried again with more paths
# to write, so the window grows; each try's outcome is checked.
rc=0
for n in 5000 40000 160000; do
  "$corridor" run in.h5 -o sig.h5 -n $n -q --sensitivity-paths 0 --save-paths &
  pid=$!
  for _ in $(seq 600); do [ -n "$(find . -maxdepth 1 -name '.sig.h5.tmp-*')" ] && break; sleep 0.1; done
  kill -TERM $pid 2>/dev/null
  wait $pid
  rc=$?
  [ $rc -ne 0 ] && break
  check "a run that finished before the signal wrote its whole output ($n paths)" \
    "\"$corridor\" summary sig.h5 >/dev/null && no_temp ."
  rm -f sig.h5
done
check "SIGTERM while writing: exit 143, no output and no temp left" "[ $rc -eq 143 ] && [ ! -e sig.h5 ] && no_temp ."

check "no message names a temporary file" "[ -s all_err ] && ! grep -q 'tmp-\|/proc/self' all_err"
check "the input was never changed" "[ \$(sum in.h5) = $in_sum ]"
exit $fail
