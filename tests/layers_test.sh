#!/usr/bin/env bash
# scripts/check-layers passes on this tree's kernels/ and fails, naming the
# line, on a copy of it that includes a host/ header or HDF5.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$src/scripts/check-layers" "$src/kernels"
for planted in '#include "../host/output.h"' '#  include <hdf5.h>' '#include "host/engine.h"'; do
  rm -rf "$tmp/k" && cp -r "$src/kernels" "$tmp/k"
  printf '%s\n' "$planted" >>"$tmp/k/model.h"
  if out=$("$src/scripts/check-layers" "$tmp/k"); then
    echo "check-layers accepted: $planted"
    exit 1
  fi
  grep -qF "model.h:" <<<"$out" || { echo "check-layers did not name the line: $out"; exit 1; }
done
echo "layers: ok"
