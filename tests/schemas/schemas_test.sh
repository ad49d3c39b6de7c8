#!/usr/bin/env bash
# Every schema of every plugin in plugins/ (and of the ABI test plugin `good`) is valid JSON
# Schema according to ajv (tests/schemas/node_modules, installed by tools/install-deps); and a
# deliberately invalid schema is refused, so the check can fail.
# usage: schemas_test.sh SLUICE PLUGIN_FILE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sluice=$1
shift
[ -d "$here/node_modules/ajv" ] || { echo "ajv is missing in $here/node_modules: run tools/install-deps"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SLUICE_HOME="$work/home"
for plugin in "$@"; do
  id=$("$sluice" plugin install "$plugin" --json | sed 's/^{"id":"\([^"]*\)".*/\1/')
  "$sluice" plugin info "$id" --json >"$work/$id.json"
  node "$here/validate_schemas.mjs" "$work/$id.json"
done
cat >"$work/bad.json" <<'JSON'
{"id": "bad", "connectors": [{"name": "bad",
  "connection": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "objekt"},
  "export": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "requried": ["x"]},
  "import": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {"a": {"minimum": "one"}}}}]}
JSON
rc=0
node "$here/validate_schemas.mjs" "$work/bad.json" >"$work/bad.out" || rc=$?
cat "$work/bad.out"
[ "$rc" -eq 1 ] || { echo "ajv accepted invalid schemas"; exit 1; }
[ "$(grep -c '^FAIL' "$work/bad.out")" -eq 3 ] || { echo "expected each of the 3 invalid schemas refused"; exit 1; }
echo "schemas test passed"
