#!/usr/bin/env bash
# The package test: install the SDK to a staging prefix, build out-of-tree plugins against it
# with find_package(Sluice) -- one on the core alone (Sluice::sdk, where Poco cannot be found),
# one with the http component -- install them into a fresh host and run flows through one.
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/stage" >/dev/null
config=$(find "$work/stage" -name SluiceConfig.cmake)
[ -n "$config" ] || { echo "SluiceConfig.cmake was not installed"; exit 1; }
# The core package looks for Boost.JSON only; Poco and OpenSSL belong to the http component.
if grep -q "find_dependency(Poco\|find_dependency(OpenSSL" "$config"; then
  echo "the core SluiceConfig.cmake looks for Poco or OpenSSL:"; grep -n "find_dependency" "$config"; exit 1
fi

# configure NAME DIR [cmake args...]: configures the out-of-tree project DIR into $work/NAME.
# SLUICE_PACKAGE_FLAGS: compiler flags the host was built with that a plugin must share (sanitizers).
configure() {
  local name=$1 dir=$2
  shift 2
  cmake -S "$dir" -B "$work/$name" -G Ninja -DCMAKE_PREFIX_PATH="$work/stage" \
    -DCMAKE_CXX_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" -DCMAKE_MODULE_LINKER_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" "$@"
}

# A plugin on the core alone builds where Poco and OpenSSL cannot be found.
configure plugin "$source_dir/tests/package/greeting" \
  -DCMAKE_DISABLE_FIND_PACKAGE_Poco=ON -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=ON >/dev/null
cmake --build "$work/plugin" >/dev/null
if grep -q "^Poco_DIR" "$work/plugin/CMakeCache.txt"; then echo "the core plugin looked for Poco"; exit 1; fi

# A plugin that asks for the http component gets Sluice::support_http.
configure fetch "$source_dir/tests/package/fetch" >/dev/null
cmake --build "$work/fetch" >/dev/null
# ... and fails to configure, naming Poco, where Poco cannot be found.
if configure fetch-nopoco "$source_dir/tests/package/fetch" -DCMAKE_DISABLE_FIND_PACKAGE_Poco=ON \
    >"$work/nopoco.log" 2>&1; then
  echo "the http component configured without Poco"; exit 1
fi
grep -q "Poco" "$work/nopoco.log" || { echo "no mention of Poco:"; cat "$work/nopoco.log"; exit 1; }

# The formats component (XML and CSV to JSON) builds and runs out of tree.
configure formats "$source_dir/tests/package/formats" >/dev/null
cmake --build "$work/formats" >/dev/null
expected_formats='{"a":{"@k":"v","b":["1","2"]}}
[{"id":"1","name":"Ada, L"}]'
[ "$("$work/formats/formats_consumer")" = "$expected_formats" ] \
  || { echo "the formats consumer printed:"; "$work/formats/formats_consumer"; exit 1; }

# A component the package does not have is a clear CMake error listing the ones it has.
mkdir -p "$work/nosuch"
cat >"$work/nosuch/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(nosuch LANGUAGES CXX)
find_package(Sluice 0.1 REQUIRED COMPONENTS nosuch)
CMAKE
if configure nosuch-build "$work/nosuch" >"$work/nosuch.log" 2>&1; then
  echo "find_package(Sluice COMPONENTS nosuch) succeeded"; exit 1
fi
grep -q "Sluice has no component 'nosuch'; its components are: formats, http" "$work/nosuch.log" \
  || { echo "unclear error for a missing component:"; cat "$work/nosuch.log"; exit 1; }

sluice="$work/stage/bin/sluice"
export SLUICE_HOME="$work/home"
"$sluice" plugin install "$work/plugin/sluice-plugin-greeting.so"
"$sluice" plugin info greeting | grep -q "greeting.outputFile" || { echo "plugin info lacks greeting.outputFile"; exit 1; }
"$sluice" plugin install "$work/fetch/sluice-plugin-fetch.so"
"$sluice" plugin info fetch | grep -q "fetch.baseURI" || { echo "plugin info lacks fetch.baseURI"; exit 1; }

mkdir -p "$work/resources"
cat >"$work/resources/all.json" <<JSON
[
  {"_id": "hello", "type": "greeting", "greeting": {"name": "package"}},
  {"_id": "greet", "adaptorType": "GreetingExport", "_connectionId": "hello", "greeting": {"count": 7}},
  {"_id": "write", "adaptorType": "GreetingImport", "_connectionId": "hello",
   "greeting": {"outputFile": "$work/out.jsonl"}},
  {"_id": "flow", "pageGenerators": [{"_exportId": "greet"}],
   "pageProcessors": [{"type": "import", "_importId": "write"}]},
  {"_id": "greet-default", "adaptorType": "GreetingExport", "_connectionId": "hello"},
  {"_id": "write-default", "adaptorType": "GreetingImport", "_connectionId": "hello",
   "greeting": {"outputFile": "$work/default.jsonl"}},
  {"_id": "flow-default", "pageGenerators": [{"_exportId": "greet-default"}],
   "pageProcessors": [{"type": "import", "_importId": "write-default"}]}
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
# greeting.count is absent: the plugin uses the default its schema declares (5), written once.
"$sluice" flow run flow-default --json >"$work/job-default.json"
grep -q '"numExport":5,"numSuccess":5' "$work/job-default.json" \
  || { echo "the declared default count was not applied:"; cat "$work/job-default.json"; exit 1; }
"$sluice" plugin info greeting | grep -Eq "greeting\.count +integer +no +5 " \
  || { echo "plugin info does not show the default count 5"; exit 1; }
# The summary says which page size is which: the flow page (the export's pageSize, default 20)
# and the plugin's own request size.
"$sluice" flow run flow-default >"$work/summary.txt"
expected="  paging   flow pages of 20 records (export greet-default's pageSize, the default); the records per request to the application are the plugin's own setting (plugins do not report it yet)"
grep -qxF "$expected" "$work/summary.txt" || { echo "no page-size line in:"; cat "$work/summary.txt"; exit 1; }
echo "package test passed: out-of-tree plugin built with find_package(Sluice), loaded and run"
