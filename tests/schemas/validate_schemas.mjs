// Checks every settings schema in a `sluice plugin info ID --json` document with ajv, a JSON
// Schema implementation nobody here wrote: each must be a valid schema of the draft it claims
// (2020-12 or 07) and compile in strict mode (so a misspelt standard keyword is an error; the
// x-sluice-* hints are registered as annotation keywords).
// usage: node validate_schemas.mjs INFO.json    exit 1 naming each invalid schema
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const AjvDraft7 = require("ajv").default;

function sluiceKeywords(node, found = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => sluiceKeywords(n, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-sluice")) found.add(key);
      sluiceKeywords(value, found);
    }
  }
  return found;
}

const info = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
let checked = 0;
for (const connector of info.connectors) {
  for (const kind of ["connection", "export", "import"]) {
    const schema = connector[kind];
    const where = `plugin ${info.id}, connector ${connector.name}, ${kind} schema`;
    const claimed = schema.$schema ?? "";
    const draft = claimed.includes("2020-12") ? "2020-12" : claimed.includes("draft-07") ? "07" : null;
    if (draft === null) {
      console.log(`FAIL ${where}: $schema ${JSON.stringify(claimed)} is neither draft 2020-12 nor 07`);
      failures++;
      continue;
    }
    const ajv = draft === "2020-12" ? new Ajv2020({ strict: true }) : new AjvDraft7({ strict: true });
    for (const keyword of sluiceKeywords(schema)) ajv.addKeyword({ keyword });
    checked++;
    if (!ajv.validateSchema(schema)) {
      console.log(`FAIL ${where}: not a valid draft ${draft} schema: ${ajv.errorsText(ajv.errors)}`);
      failures++;
      continue;
    }
    try {
      ajv.compile(schema);
      console.log(`PASS ${where} (draft ${draft})`);
    } catch (e) {
      console.log(`FAIL ${where}: ajv refuses to compile it: ${e.message}`);
      failures++;
    }
  }
}
console.log(`${checked} schema(s) checked, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
