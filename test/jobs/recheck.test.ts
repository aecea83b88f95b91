import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createRecordStore } from '../../src/approvals/records';
import { describeStore, main, type RecheckIo } from '../../src/jobs/recheck';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';

/**
 * `npm run recheck` as cron runs it: usage on --help without touching a store, a mistyped DATA_DIR
 * refused without creating anything, the store and rule sets it uses named, and a summary that adds up
 * (the run record's counts too, with the approvals not yet due).
 */
const RULES_DIR = path.resolve(__dirname, '../../rules');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sf-recheck-job-'));
  dirs.push(d);
  return d;
}

async function runJob(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: RecheckIo = { env: { RULES_DIR, LOG_LEVEL: 'silent', ...env }, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('npm run recheck', () => {
  it('prints its usage and exit codes for --help and runs nothing', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const { code, stdout } = await runJob(['--help'], { DATA_DIR: dataDir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: recheck/);
    expect(stdout).toMatch(/Afslutningskoder/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an unknown option as wrong usage (exit 2)', async () => {
    const { code, stderr } = await runJob(['--dry-run'], { DATA_DIR: path.join(tempDir(), 'data') });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--dry-run/);
  });

  it.each([
    ['a DATA_DIR that does not exist', (root: string) => path.join(root, 'mistyped')],
    ['an empty DATA_DIR', (root: string) => (mkdirSync(path.join(root, 'empty')), path.join(root, 'empty'))],
  ])('refuses %s: non-zero, naming the path, creating nothing', async (_what, make) => {
    const dataDir = make(tempDir());
    const before = existsSync(dataDir) ? readdirSync(dataDir) : null;
    const { code, stdout, stderr } = await runJob([], { DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toContain(dataDir);
    expect(stdout).not.toMatch(/gennemgået/);
    expect(existsSync(dataDir) ? readdirSync(dataDir) : null).toEqual(before);
  });

  it('names the store and the rule sets in force it uses, and its summary adds up', async () => {
    const dataDir = tempDir();
    const store = createRecordStore({ dataDir });
    await store.init();
    await store.close();
    const { code, stdout } = await runJob([], { DATA_DIR: dataDir });
    expect(code).toBe(0);
    expect(stdout).toContain(`Datalager: indlejret (SQLite) ${path.join(dataDir, 'specialfunktion.sqlite')}`);
    expect(stdout).toMatch(/Regelsæt i kraft \d{4}-\d{2}-\d{2}: autisme@\d+\.\d+\.\d+/);
    expect(stdout).toMatch(/0 gennemgået = i orden 0 \+ .* \+ ikke forfaldne 0 \+ fejl 0/);
  });
});

it('names a MongoDB store by its hosts and database, never its credentials', () => {
  const named = describeStore({ mongodbUri: 'mongodb://cron:s3cret@db1:27017,db2:27017/admin?replicaSet=rs0', mongodbDb: 'specialfunktion', dataDir: '/unused' });
  expect(named).toBe('MongoDB db1:27017,db2:27017, database specialfunktion');
  expect(named).not.toMatch(/s3cret|cron/);
});

describe('a re-check run record', () => {
  let svc: TestService;
  afterEach(async () => {
    await svc?.close();
  });

  async function approve(tilbudId: string): Promise<void> {
    const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, tilbudId } };
    const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
    expect(ev.status).toBe(201);
    const ap = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: ev.body.id, decision: 'approved', reason: 'ok' });
    expect(ap.status).toBe(201);
  }

  it('counts the approvals not yet due, so outcomes, skipped and not due add up to those examined', async () => {
    svc = await startTestService();
    await approve('100');
    await approve('200');

    const early = await svc.batch.run();
    const res = await request(svc.app).get(`/v1/rechecks/runs/${early.id}`).set('Authorization', bearer('admin'));
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ examined: 2, counts: { notDue: 2, skipped: 0, compliant: 0 } });

    svc.clock.set('2027-10-01T06:00:00Z');
    const due = await svc.batch.run();
    const { counts, examined } = (await request(svc.app).get(`/v1/rechecks/runs/${due.id}`).set('Authorization', bearer('admin'))).body;
    expect(examined).toBe(2);
    expect(counts.notDue).toBe(0);
    const sum = counts.compliant + counts['at-risk'] + counts['evidence-overdue'] + counts.expired + counts.skipped + counts.notDue;
    expect(sum).toBe(examined);
  });
});
