'use strict';
/**
 * Jest globalSetup: compile the service once (`tsc -p tsconfig.build.json`) before any test runs, so
 * tests that start `node dist/src/server.js` or `node dist/src/jobs/recheck.js` in a child process run
 * the code in this tree, not whatever an earlier build left in dist/.
 *
 * Type errors do not stop the run (tsc still emits, and ts-jest reports them in the tests that import
 * the code); a build that produced no server does. Messages go to stderr, so `jest --json` without
 * --outputFile still writes clean JSON to stdout.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const path = require('node:path');

module.exports = async function buildOnce() {
  const root = path.resolve(__dirname, '../..');
  // `npm test` writes jest's JSON result to test-output/, which a clean clone does not have yet.
  mkdirSync(path.join(root, 'test-output'), { recursive: true });
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error) throw new Error(`globalSetup: could not run tsc: ${result.error.message}`);
  const server = path.join(root, 'dist/src/server.js');
  if (result.status !== 0) {
    if (!existsSync(server)) throw new Error(`globalSetup: tsc -p tsconfig.build.json failed and produced no ${server}:\n${output}`);
    process.stderr.write(`\nglobalSetup: tsc -p tsconfig.build.json reported errors (dist/ was still written):\n${output}\n`);
  } else {
    process.stderr.write(`\nglobalSetup: built dist/ with tsc -p tsconfig.build.json in ${Date.now() - started} ms\n`);
  }
};
