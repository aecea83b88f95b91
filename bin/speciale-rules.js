#!/usr/bin/env node
'use strict';
// The speciale-rules CLI: validate, test, diff, render, lock, impact and replay rule sets. main.ts wires the
// verbs of src/cli/commands/<verb>.ts and runs from the compiled dist/ (built by `npm run build`, or by `npm ci` via prepare).
const fs = require('node:fs');
const path = require('node:path');

const fail = (message) => {
  process.stderr.write(`speciale-rules: ${message}\n`);
  process.exit(1);
};

// A reader that stops early (`speciale-rules validate --json | head`) closes the pipe: end quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) fail('run `npm run build` first (dist/src/cli/main.js is missing)');

let cli;
try {
  cli = require(entry);
} catch (error) {
  fail(`cannot load dist/src/cli/main.js: ${String(error && error.message).split('\n')[0]} (run \`npm ci\` and \`npm run build\`)`);
}

cli.main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`speciale-rules: ${String(error && error.message).split('\n')[0]}\n`);
    process.exitCode = 1;
  },
);
