import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as validate from '../../src/rules/validate';
import { baseRuleset, cleanupTrees, edited, makeTree } from '../rules/helpers';
import { cli } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules as a command in a pipe', () => {
  it('ends quietly when the reader stops early (| head), without a stack trace', async () => {
    const tree = makeTree({
      'demo/1.0.0.json': edited(baseRuleset({ status: 'draft' }), (r) => {
        const template = r.levels.specialfunktion.requirements[0];
        r.levels.specialfunktion.requirements = Array.from({ length: 3000 }, (_, i) => ({ ...template, id: `DEM-SF-${i + 100}`, conditions: { all: [{ ...template.conditions.all[0], fact: `ukendt${i}` }] } }));
      }),
    });
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/speciale-rules.js'), 'validate', '--json'], { cwd: tree.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
  });
});

describe('usage and unexpected errors', () => {
  it('exits 2 with commander’s message on wrong usage', async () => {
    const root = makeTree().root;
    const unknown = await cli(root, ['valider']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'valider'/);
    expect((await cli(root, ['diff', 'demo', '1.0.0'])).code).toBe(2);
    const format = await cli(root, ['render', 'demo', '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Allowed choices are md, html/);
    expect((await cli(root, ['validate', '--strict'])).code).toBe(2);
    expect((await cli(root, [])).code).toBe(2);
  });

  it('prints help and exits 0', async () => {
    const help = await cli(makeTree().root, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: speciale-rules/);
    for (const command of ['validate', 'test', 'diff', 'render', 'lock']) expect(help.stdout).toContain(command);
  });

  it('turns an unexpected exception into one line on stderr, exit 1, no stack trace', async () => {
    jest.spyOn(validate, 'checkRulesTree').mockImplementation(() => {
      throw new Error('disk on fire\n    at somewhere (file.js:1:1)');
    });
    expect(await cli(makeTree().root, ['validate'])).toEqual({ code: 1, stdout: '', stderr: 'speciale-rules: uventet fejl: disk on fire at somewhere (file.js:1:1)\n' });
  });
});

describe('bin/speciale-rules.js', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'speciale-rules.js');

  it('asks for a build when dist/ is missing', () => {
    const root = makeTree().root;
    mkdirSync(path.join(root, 'bin'));
    copyFileSync(bin, path.join(root, 'bin', 'speciale-rules.js'));
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'speciale-rules.js'), 'validate'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('speciale-rules: run `npm run build` first (dist/src/cli/main.js is missing)\n');
  });

  it('passes argv to main() and exits with its code', () => {
    const root = makeTree().root;
    mkdirSync(path.join(root, 'bin'));
    mkdirSync(path.join(root, 'dist', 'src', 'cli'), { recursive: true });
    copyFileSync(bin, path.join(root, 'bin', 'speciale-rules.js'));
    writeFileSync(path.join(root, 'dist', 'src', 'cli', 'main.js'), 'exports.main = async (argv) => { process.stdout.write(JSON.stringify(argv.slice(2))); return 3; };\n');
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'speciale-rules.js'), 'diff', 'demo', '1.0.0', '1.1.0'], { encoding: 'utf8' });
    expect(run.stdout).toBe('["diff","demo","1.0.0","1.1.0"]');
    expect(run.status).toBe(3);
  });

  it('is an executable node script', () => {
    expect(execFileSync('head', ['-n', '1', bin], { encoding: 'utf8' })).toBe('#!/usr/bin/env node\n');
  });
});
