import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { eligibleEvidence, ruleset } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';

/**
 * `speciale-rules replay <export.json> [--rules <dir>]`: an evaluation exported from the service reproduced
 * without it. Exit 0 identical, 1 not identical (naming what differs), 2 wrong usage or a file that is not an
 * export (one line `file:/pointer: message` per problem).
 */
let svc: TestService;
let dir: string;
const call = apiCaller(() => svc);

beforeEach(async () => {
  svc = await startTestService();
  dir = mkdtempSync(path.join(tmpdir(), 'sf-replay-'));
});
afterEach(async () => {
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'speciale-rules', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir });
  return { code, stdout, stderr };
}

/** The rule files as an appeals body would have them: rules/<speciale>/<version>.json. */
function rulesDir(name: string, rules = ruleset()): string {
  const folder = path.join(dir, name, rules.speciale);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, `${rules.version}.json`), JSON.stringify(rules, null, 2));
  return path.join(dir, name);
}

async function exported(): Promise<Record<string, unknown>> {
  const evaluation = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(evaluation.status).toBe(201);
  const res = await call('get', `/v1/evaluations/${evaluation.body.id}/export`, 'midt');
  expect(res.status).toBe(200);
  return res.body;
}

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

describe('speciale-rules replay', () => {
  it('reproduces an exported evaluation offline: exit 0, identical, the same as the service’s own replay', async () => {
    const doc = await exported();
    const file = write('export.json', doc);
    const run = await cli(['replay', 'export.json', '--rules', rulesDir('rules')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✓ identisk: evaluering /);

    const json = await cli(['replay', file, '--rules', 'rules', '--json']);
    expect(json.code).toBe(0);
    const offline = JSON.parse(json.stdout);
    const online = (await call('post', `/v1/evaluations/${(doc.evaluation as { id: string }).id}/replay`, 'midt')).body;
    expect(offline).toEqual(online);
  });

  it('exits 1 naming the rule file when the appeals body’s file differs from the recorded one', async () => {
    const stricter = ruleset();
    (stricter.levels.specialfunktion.requirements[2].conditions as { all: { value: number }[] }).all[0].value = 4;
    write('export.json', await exported());
    const run = await cli(['replay', 'export.json', '--rules', rulesDir('rules', stricter)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ ikke identisk/);
    expect(run.stdout).toMatch(/rule-file: /);
    expect(run.stdout).toMatch(/TST-SF-03: opfyldt → ikke opfyldt/);
  });

  it('exits 1 naming the evidence when the exported evidence was changed', async () => {
    const doc = await exported();
    (doc.evidence as { provider: { places: number } }).provider.places = 99;
    write('export.json', doc);
    const run = await cli(['replay', 'export.json', '--rules', rulesDir('rules'), '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).differences.map((d: { what: string }) => d.what)).toEqual(['evidence']);
  });

  it('exits 2 with file:/pointer: message for a file that is not an export, and for wrong usage', async () => {
    const doc = await exported();
    const rules = rulesDir('rules');
    write('version.json', { ...doc, formatVersion: 99 });
    const version = await cli(['replay', 'version.json', '--rules', rules]);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/^version\.json:\/formatVersion: formatversion 99 kendes ikke/m);

    const { evidence: _evidence, ...noEvidence } = doc;
    write('no-evidence.json', { ...noEvidence, evaluation: { ...(doc.evaluation as object), rulesetHash: 'md5:1' } });
    const missing = await cli(['replay', 'no-evidence.json', '--rules', rules]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^no-evidence\.json:\/evidence: påkrævet felt mangler$/m);
    expect(missing.stderr).toMatch(/^no-evidence\.json:\/evaluation\/rulesetHash: /m);

    write('bad-evidence.json', { ...doc, evidence: { ...(doc.evidence as object), reportingDate: 'i går' } });
    expect((await cli(['replay', 'bad-evidence.json', '--rules', rules])).stderr).toMatch(/^bad-evidence\.json:\/evidence\/reportingDate: /m);

    write('broken.json', '{ "format": ');
    const broken = await cli(['replay', 'broken.json', '--rules', rules]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^broken\.json: ugyldig JSON i linje 1/m);

    expect((await cli(['replay', 'nowhere.json', '--rules', rules])).code).toBe(2);
    expect((await cli(['replay', 'version.json', '--rules', path.join(dir, 'no-such-rules')])).code).toBe(2);
    expect((await cli(['replay'])).code).toBe(2);
  });
});
