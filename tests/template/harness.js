// Renders every template of a corpus with every context, as handlebars.js 4.7 does.
// usage: node harness.js CORPUS.json [--handlebars-helpers]
//        node harness.js --cases CASES.json   (each case's template with its own context, with the
//        handlebars-helpers collection: prints {"version", "results": [{output}|{error}, ...]})
// Prints {"version", "results": [[{output}|{error}, ...per context], ...per template]}. With
// --handlebars-helpers the handlebars-helpers collection is registered too (for comparing
// integrator.io's helpers where Celigo's examples agree with it); the test-only helpers below
// are registered last either way.
'use strict';
const fs = require('fs');
const path = require('path');
const Handlebars = require(path.join(__dirname, 'node', 'node_modules', 'handlebars'));
// {{log}} writes to the console; the results alone go to stdout.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = () => {};
const casesMode = process.argv[2] === '--cases';
const corpus = JSON.parse(fs.readFileSync(process.argv[casesMode ? 3 : 2], 'utf8'));
// Test-only helpers, defined the same way in differential_test.cpp.
function withHelpers(hb) {
  hb.registerHelper('join2', function (a, b, options) {
    const sep = options.hash.sep === undefined ? '-' : options.hash.sep;
    return String(a) + sep + String(b);
  });
  hb.registerHelper('bold', function (text) {
    return new hb.SafeString('<b>' + text + '</b>');
  });
  hb.registerHelper('count', function (...args) {
    return args.length - 1;
  });
  hb.registerHelper('typeof', function (x) {
    return typeof x;
  });
  hb.registerHelper('repeat', function (n, options) {
    if (n === 0) return options.inverse(this);
    let out = '';
    for (let k = 0; k < n; k++) {
      const data = hb.createFrame(options.data);
      data.i = k;
      out += options.fn(this, { data });
    }
    return out;
  });
  hb.registerHelper('with2', function (x, options) {
    return options.fn(x, { data: options.data, blockParams: [x, 'two'] });
  });
  return hb;
}
const useCollection = casesMode || process.argv.includes('--handlebars-helpers');
function instance() {
  const hb = Handlebars.create();
  if (useCollection) {
    require(path.join(__dirname, 'node', 'node_modules', 'handlebars-helpers'))({ handlebars: hb });
  }
  return withHelpers(hb);
}
if (casesMode) {
  const hb = instance();
  const results = corpus.map((c) => {
    try {
      return { output: hb.compile(c.template)(c.context) };
    } catch (e) {
      return { error: String(e.message) };
    }
  });
  process.stdout.write(JSON.stringify({ version: Handlebars.VERSION, results }));
  process.exit(0);
}
const results = corpus.templates.map((source) => {
  let template;
  try {
    template = instance().compile(source);
  } catch (e) {
    return corpus.contexts.map(() => ({ error: String(e.message) }));
  }
  return corpus.contexts.map((context) => {
    try {
      return { output: template(context) };
    } catch (e) {
      return { error: String(e.message) };
    }
  });
});
process.stdout.write(JSON.stringify({ version: Handlebars.VERSION, results }));
