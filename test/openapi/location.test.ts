/**
 * The module finds openapi.yaml from wherever it runs: from src/ under ts-jest (the other tests) and
 * from the compiled dist/src/http/openapi/ of `npm run build`. Here the dist/ that jest's global setup
 * built is copied into a throw-away layout (package.json, openapi.yaml, schemas/, dist/) and run with
 * plain node.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/http/openapi';

it('works from a compiled dist/src/http/openapi/index.js', () => {
  const root = projectRoot();
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'openapi-dist-')));
  try {
    cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
    const out = path.join(dir, 'dist/src/http/openapi');
    cpSync(path.join(root, 'openapi.yaml'), path.join(dir, 'openapi.yaml'));
    cpSync(path.join(root, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"name":"layout-check","private":true}');
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');

    const script = `
      const o = require(${JSON.stringify(path.join(out, 'index.js'))});
      const errors = o.validateRequestBody('post', '/v1/approvals/{id}/revoke', {});
      console.log(JSON.stringify({ root: o.projectRoot(), yaml: o.openapiYaml().includes('openapi: 3.1'), errors }));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ root: dir, yaml: true, errors: [{ pointer: '/reason', code: 'required-property-missing', message: expect.any(String) }] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
