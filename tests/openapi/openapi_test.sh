#!/usr/bin/env bash
# The REST API's OpenAPI document (host/src/serve/api/openapi.json, which `sluice serve` serves at
# /api/v1/openapi.json: serve_api_test checks they are the same bytes and that it lists every
# route) is valid OpenAPI 3.1 according to @apidevtools/swagger-parser (tests/openapi/node_modules,
# installed by tools/install-deps); and two broken copies are refused, so the check can fail.
# usage: openapi_test.sh OPENAPI_JSON
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
document=$1
[ -d "$here/node_modules/@apidevtools/swagger-parser" ] ||
  { echo "swagger-parser is missing in $here/node_modules: run tools/install-deps"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$here/validate_openapi.mjs" "$document"
# Without info.version, and with a $ref to nothing: each must be refused.
node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));delete d.info.version;
  require("fs").writeFileSync(process.argv[2],JSON.stringify(d))' "$document" "$work/no_version.json"
node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));
  d.paths["/api/v1/jobs"].get.responses["200"]={"$ref":"#/components/responses/Missing"};
  require("fs").writeFileSync(process.argv[2],JSON.stringify(d))' "$document" "$work/bad_ref.json"
for bad in no_version bad_ref; do
  rc=0
  node "$here/validate_openapi.mjs" "$work/$bad.json" >"$work/$bad.out" || rc=$?
  cat "$work/$bad.out"
  [ "$rc" -eq 1 ] && grep -q '^FAIL' "$work/$bad.out" || { echo "swagger-parser accepted $bad"; exit 1; }
done
echo "openapi test passed"
