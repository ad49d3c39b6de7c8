// Validates an OpenAPI document with @apidevtools/swagger-parser (its schema and its semantic
// checks: unique operationIds, path parameters declared, $refs resolved). Prints "OK" or
// "FAIL: <why>"; exit status 0 or 1.
// usage: node validate_openapi.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`OK ${api.info.title} ${api.openapi}`);
} catch (error) {
  console.log(`FAIL: ${error.message}`);
  process.exit(1);
}
