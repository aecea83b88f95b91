#!/usr/bin/env node
'use strict';
// The speciale-rules CLI: validate, test, diff, render and lock rule sets. The code lives in
// src/cli/main.ts and runs from the compiled dist/ (built by `npm run build`, or by `npm ci` via prepare).
const fs = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('speciale-rules: run `npm run build` first (dist/src/cli/main.js is missing)\n');
  process.exit(1);
}

require(entry)
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`speciale-rules: ${error && error.message ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
