#!/usr/bin/env bash
# `sluice plugin test` on the real plugins and on each deliberately broken one: the HTTP plugin
# passes (alone, and run against the mock API with resource files, printing its pages and
# import results); each broken plugin fails, exit status 1, with a message naming its defect.
# `plugin info --example` prints resources that `sluice apply` accepts.
# usage: plugin_test_cli_test.sh SLUICE ABI_PLUGIN_DIR HTTP_PLUGIN MOCK_API
set -euo pipefail
sluice=$1
abi=$2
http=$3
mock_api=$4
work=$(mktemp -d)
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export SLUICE_HOME="$work/home"
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# expect_fail NAME FILE TEXT: the kit exits 1 and its report holds TEXT on a FAIL line.
expect_fail() {
  local name=$1 file=$2 text=$3 rc=0
  "$sluice" plugin test "$file" >"$work/$name.out" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || fail "$name: expected exit status 1, got $rc"
  grep "^FAIL" "$work/$name.out" | grep -qF -- "$text" ||
    { fail "$name: no FAIL line naming: $text"; cat "$work/$name.out"; }
}

# The HTTP plugin passes on its own.
"$sluice" plugin test "$http" >"$work/http.out" || { fail "http: plugin test failed"; cat "$work/http.out"; }
grep -q "^PASS http: connection.refuses_empty_settings — refused with SLUICE_INVALID_CONFIG: http.baseURI is required" "$work/http.out" ||
  { fail "http: empty connection not refused as expected"; cat "$work/http.out"; }
grep -q " 0 failed," "$work/http.out" || fail "http: summary does not say 0 failed"

expect_fail no_entry "$abi/sluice-plugin-abi_no_entry.so" \
  "plugin.loads — refusing plugin $abi/sluice-plugin-abi_no_entry.so: expected the exported symbol sluice_plugin_entry_v1"
expect_fail wrong_major "$abi/sluice-plugin-abi_wrong_major.so" "expected ABI major 1, found 2"
expect_fail wrong_symbol "$abi/sluice-plugin-abi_wrong_symbol.so" "found sluice_plugin_entry_v2"
expect_fail too_small "$abi/sluice-plugin-abi_too_small.so" "found struct_size 8"
expect_fail newer_minor "$abi/sluice-plugin-abi_newer_minor.so" "expected a plugin that requires ABI 1.2 or older (this host's), found one that requires ABI 1.9"
expect_fail null_descriptor "$abi/sluice-plugin-abi_null_descriptor.so" "found NULL"
expect_fail throwing "$abi/sluice-plugin-abi_throwing.so" \
  "FAIL throwing: connection.opens — connection_ping failed with a bug: connector throwing: connection_ping returned SLUICE_INTERNAL: plugin 'throwing' threw during connection_ping: ping exploded"
expect_fail throwing_export "$abi/sluice-plugin-abi_throwing.so" \
  "threw during export_open: an exception that is not a std::exception"
expect_fail escaping "$abi/sluice-plugin-abi_escaping.so" \
  "FAIL escaping: calls.no_exception_escapes — connector escaping: connection_open let an exception escape into the host (escaped)"
expect_fail failing "$abi/sluice-plugin-abi_failing.so" \
  "FAIL failing: export.refuses_empty_settings — export_open answered an empty export document {} with SLUICE_RATE_LIMITED (slow down)"
expect_fail good "$abi/sluice-plugin-abi_good.so" \
  "FAIL good: connection.refuses_empty_settings — connection_open accepted an empty connection document {} although the connection schema requires good"

# --json: one document, the verdict of each check.
rc=0
"$sluice" plugin test "$abi/sluice-plugin-abi_escaping.so" --json >"$work/escaping.json" || rc=$?
[ "$rc" -eq 1 ] || fail "escaping --json: expected exit 1, got $rc"
grep -q '^{"plugin":"escaping","passed":false,"checks":\[' "$work/escaping.json" || { fail "escaping --json: unexpected shape"; cat "$work/escaping.json"; }
grep -q '{"name":"calls.no_exception_escapes","connector":"escaping","verdict":"fail","message":"connector escaping: connection_open let an exception escape' "$work/escaping.json" ||
  fail "escaping --json: no failed calls.no_exception_escapes"

# The HTTP export against the mock API, without installing: pages printed, 2 of 3.
"$mock_api" --orders 250 --port-file "$work/port" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "the mock API did not start"; cat "$work/mock.log"; exit 1; }
port=$(cat "$work/port")
cat >"$work/connection.json" <<JSON
{"_id": "mock-api", "type": "http",
 "http": {"baseURI": "http://127.0.0.1:$port", "mediaType": "json",
          "auth": {"type": "token", "token": {"token": "demo-token", "location": "header",
                                             "headerName": "Authorization", "scheme": "Bearer"}},
          "ping": {"relativeURI": "/api/me", "method": "GET"}}}
JSON
cat >"$work/export.json" <<'JSON'
{"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "mock-api",
 "http": {"method": "GET", "relativeURI": "/api/orders?pageSize=100&page={{export.http.paging.page}}",
          "response": {"resourcePath": "orders"}, "paging": {"method": "page", "page": 1}}}
JSON
cat >"$work/import.json" <<'JSON'
{"_id": "sink", "adaptorType": "HTTPImport", "_connectionId": "mock-api",
 "http": {"method": "POST", "relativeURI": "/api/sink", "response": {"resourceIdPath": "id"}}}
JSON
echo '[{"id": "A-1", "total": 5}, {"id": "A-2", "total": 7}]' >"$work/records.json"
"$sluice" plugin test "$http" --connection "$work/connection.json" --export "$work/export.json" \
  --import "$work/import.json" --records "$work/records.json" --max-pages 2 >"$work/run.out" 2>&1 ||
  { fail "http against the mock API: plugin test failed"; cat "$work/run.out"; }
grep -qx "== page 1: 100 records ==" "$work/run.out" || fail "page 1 header missing"
grep -qx "== page 2: 100 records ==" "$work/run.out" || fail "page 2 header missing"
grep -q "== page 3" "$work/run.out" && fail "read beyond --max-pages 2"
records=$(grep -c '^{"id":"ORD-' "$work/run.out" || true)
[ "$records" -eq 200 ] || fail "expected 200 records printed, found $records"
grep -q '^{"id":"ORD-000001",' "$work/run.out" || fail "first record ORD-000001 not printed first"
grep -qF "PASS http: export.reads_pages — read 2 page(s), 200 record(s), stopped at the page limit" "$work/run.out" ||
  fail "export.reads_pages line missing"
grep -qx "== import results: 2 ==" "$work/run.out" || fail "import results header missing"
grep -qF "PASS http: import.submits — submitted 2 record(s): 2 succeeded, 0 failed" "$work/run.out" ||
  fail "import.submits line missing"
grep -qF "PASS http: inputs.export — valid as apply checks it" "$work/run.out" || fail "inputs.export not validated"
[ "$failures" -eq 0 ] || cat "$work/run.out"

# A resource file apply would refuse is reported as such.
echo '{"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "mock-api", "htp": {}}' >"$work/bad-export.json"
rc=0
"$sluice" plugin test "$http" --connection "$work/connection.json" --export "$work/bad-export.json" >"$work/bad.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "bad export: expected exit 1, got $rc"
grep -q '^FAIL http: inputs.export — `sluice apply` would refuse this export: \$.htp: unknown field' "$work/bad.out" ||
  { fail "bad export: no inputs.export failure"; cat "$work/bad.out"; }

# plugin info --example: resources apply accepts, adaptorType from the connection type.
"$sluice" plugin install "$http" >/dev/null
mkdir -p "$work/example"
"$sluice" plugin info http --example >"$work/example/all.json"
grep -q '"type":"http"' "$work/example/all.json" || fail "example lacks the connection type"
grep -q '"adaptorType":"HTTPExport"' "$work/example/all.json" || fail "example lacks HTTPExport"
"$sluice" apply "$work/example" >/dev/null || fail "apply refused the example resources"

# An installed plugin by id, and a bundle folder (manifest.json beside the library).
"$sluice" plugin test http >"$work/by-id.out" || { fail "plugin test by id failed"; cat "$work/by-id.out"; }
grep -q "^plugin http .*$SLUICE_HOME/plugins/http/" "$work/by-id.out" || fail "by id: not the installed file"
"$sluice" plugin --json test "$SLUICE_HOME/plugins/http" | grep -q '^{"plugin":"http","passed":true,' ||
  fail "plugin test of a bundle folder (options before test) did not pass"
rc=0
"$sluice" plugin test no-such-plugin >"$work/none.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "unknown id: expected exit 1, got $rc"
grep -qF "FAIL plugin.loads — no file no-such-plugin and no plugin 'no-such-plugin' installed in" "$work/none.out" ||
  { fail "unknown id: message"; cat "$work/none.out"; }

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "plugin test CLI: every expectation met"
