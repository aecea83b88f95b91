'use strict';
/**
 * Lets a plain `node` process load this project's TypeScript files, for tests that need a real child
 * process (crash tests, CLIs):
 *
 *   node --require ./test/support/tsRegister.js path/to/script.ts
 *
 * Transpile-only (no type checking: tsc and ts-jest do that) to CommonJS with the installed
 * `typescript`, so it needs no extra packages. Source maps are inlined so stack traces point at the .ts.
 */
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
  inlineSources: true,
};

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false });
  module._compile(outputText, filename);
};
