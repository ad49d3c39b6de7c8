#!/usr/bin/env bash
# The package test: install the SDK to a staging prefix, build an out-of-tree plugin against it
# with find_package(Sluice), install that plugin into a fresh host and run a flow through it.
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/stage" >/dev/null
# SLUICE_PACKAGE_FLAGS: compiler flags the host was built with that a plugin must share (sanitizers).
cmake -S "$source_dir/tests/package/greeting" -B "$work/plugin" -G Ninja -DCMAKE_PREFIX_PATH="$work/stage" \
  -DCMAKE_CXX_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" -DCMAKE_MODULE_LINKER_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" >/dev/null
cmake --build "$work/plugin" >/dev/null

sluice="$work/stage/bin/sluice"
export SLUICE_HOME="$work/home"
"$sluice" plugin install "$work/plugin/sluice-plugin-greeting.so"
"$sluice" plugin info greeting | grep -q "greeting.outputFile" || { echo "plugin info lacks greeting.outputFile"; exit 1; }

mkdir -p "$work/resources"
cat >"$work/resources/all.json" <<JSON
[
  {"_id": "hello", "type": "greeting", "greeting": {"name": "package"}},
  {"_id": "greet", "adaptorType": "GreetingExport", "_connectionId": "hello", "greeting": {"count": 7}},
  {"_id": "write", "adaptorType": "GreetingImport", "_connectionId": "hello",
   "greeting": {"outputFile": "$work/out.jsonl"}},
  {"_id": "flow", "pageGenerators": [{"_exportId": "greet"}],
   "pageProcessors": [{"type": "import", "_importId": "write"}]}
]
JSON
"$sluice" apply "$work/resources"
"$sluice" flow run flow --json >"$work/job.json"
cat "$work/job.json"
grep -q '"status":"completed"' "$work/job.json" || { echo "job did not complete"; exit 1; }
grep -q '"numExport":7,"numSuccess":7' "$work/job.json" || { echo "unexpected counts"; exit 1; }
lines=$(wc -l <"$work/out.jsonl")
[ "$lines" -eq 7 ] || { echo "expected 7 records written, found $lines"; exit 1; }
grep -q '"text":"hello package #7"' "$work/out.jsonl" || { echo "record 7 missing"; exit 1; }
echo "package test passed: out-of-tree plugin built with find_package(Sluice), loaded and run"
