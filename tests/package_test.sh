#!/usr/bin/env bash
# Installs this build into a temporary prefix, then configures, builds and
# runs tests/package/ (a program outside the tree that finds the model with
# find_package(Corridor) and links corridor::model) against it.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/lib/cmake/Corridor/CorridorConfig.cmake" || { echo "no CorridorConfig.cmake installed"; exit 1; }
test -f "$tmp/prefix/include/corridor/kernels/model.h" || { echo "no model headers installed"; exit 1; }
test -x "$tmp/prefix/bin/corridor" || { echo "no corridor program installed"; exit 1; }
cmake -S "$src/tests/package" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/build" >/dev/null
"$tmp/build/consumer"
