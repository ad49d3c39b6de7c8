#!/usr/bin/env bash
# An out-of-tree plugin's own GoogleTest suite runs the conformance kit against the installed
# package (Sluice::testing, sluice_add_plugin_test), and `sluice plugin test` passes the plugin.
# usage: plugin_test_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/stage" >/dev/null
cmake -S "$source_dir/tests/package/counter" -B "$work/plugin" -G Ninja -DCMAKE_PREFIX_PATH="$work/stage" \
  -DCMAKE_CXX_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" -DCMAKE_MODULE_LINKER_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" \
  -DCMAKE_EXE_LINKER_FLAGS="${SLUICE_PACKAGE_FLAGS:-}" >/dev/null
cmake --build "$work/plugin" >/dev/null
ctest --test-dir "$work/plugin" --output-on-failure
"$work/plugin/counter_test" --gtest_brief=1
export SLUICE_HOME="$work/home"
"$work/stage/bin/sluice" plugin test "$work/plugin/sluice-plugin-counter.so"
# The connection type "counter" becomes the adaptorType "CounterExport" in the example resources.
"$work/stage/bin/sluice" plugin install "$work/plugin/sluice-plugin-counter.so" >/dev/null
"$work/stage/bin/sluice" plugin info counter --example >"$work/example.json"
grep -qF '"adaptorType":"CounterExport","_connectionId":"my-counter","counter":{"count":1}' "$work/example.json" ||
  { echo "unexpected example resources:"; cat "$work/example.json"; exit 1; }
# The mock API is installed with the SDK, for the plugin's tests against a real server.
"$work/stage/bin/sluice-mock-api" --help | grep -qF 'usage: sluice-mock-api [OPTIONS]' ||
  { echo "the installed package has no working bin/sluice-mock-api"; exit 1; }
echo "plugin test package test passed"
