// Renders every template of a corpus with every context, as handlebars.js 4.7 does.
// usage: node harness.js CORPUS.json   (prints [[{output}|{error}, ...per context], ...per template])
'use strict';
const fs = require('fs');
const path = require('path');
const Handlebars = require(path.join(__dirname, 'node', 'node_modules', 'handlebars'));
// {{log}} writes to the console; the results alone go to stdout.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = () => {};
const corpus = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = corpus.templates.map((source) => {
  let template;
  try {
    template = Handlebars.create().compile(source);
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
