import { createRecordStore } from '../../src/approvals/records';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyRecord } from '../../src/approvals/integrity';
import { systemClock } from '../../src/time/clock';
import {
  adminToken,
  call,
  eligibleCase,
  evaluationRequest,
  killAll,
  removeDir,
  RECHECK_JS,
  ROOT,
  RULES_DIR,
  spawnNode,
  startServer,
  tempDir,
  TS_REGISTER,
} from './support/child';

/**
 * Several processes on one DATA_DIR: the service taking a stream of writes while `npm run recheck`
 * (the cron job) re-checks every due approval, and a second service instance beside the first. Nothing
 * acknowledged is lost, no write answers 503, and the record verifies afterwards.
 */
jest.setTimeout(120_000);

const APPROVALS = 400;
const WRITERS = 4;
const SEEDER = path.join(ROOT, 'test/faults/support/seedDueApprovals.ts');

let dataDir: string;
beforeAll(() => {
  dataDir = tempDir('shared');
});
afterAll(async () => {
  await killAll();
  removeDir(dataDir);
});

it('a re-check run beside two service instances taking a stream of writes loses nothing and answers no 503', async () => {
  const seeded = await promisify(execFile)(process.execPath, ['--require', TS_REGISTER, SEEDER, dataDir, RULES_DIR, String(APPROVALS)], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const { ids } = JSON.parse(seeded.stdout) as { ids: string[] };

  const first = await startServer({ DATA_DIR: dataDir });
  const second = await startServer({ DATA_DIR: dataDir });
  const token = adminToken(dataDir);
  const request = evaluationRequest(eligibleCase('autisme'));

  let writing = true;
  const statuses: number[] = [];
  const acknowledged: string[] = [];
  const writer = async (base: string) => {
    while (writing) {
      const res = await call(base, token, 'POST', '/v1/evaluations', request);
      statuses.push(res.status);
      if (res.status === 201) acknowledged.push(res.body.id as string);
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, i) => writer((i % 2 === 0 ? first : second).base));

  const job = spawnNode([RECHECK_JS], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const { code } = await job.exited;
  writing = false;
  await Promise.all(writers);

  expect({ code, output: job.output().slice(-2000) }).toMatchObject({ code: 0 });
  expect(job.output()).toMatch(new RegExp(`${APPROVALS} gennemgået`));
  expect(statuses.length).toBeGreaterThan(0);
  expect(statuses.filter((s) => s !== 201)).toEqual([]);

  // Every acknowledged write is there, read through either instance.
  for (const [i, id] of acknowledged.entries()) {
    const res = await call((i % 2 === 0 ? second : first).base, token, 'GET', `/v1/evaluations/${id}`);
    expect({ id, status: res.status }).toEqual({ id, status: 200 });
  }
  for (const server of [first, second]) {
    const verify = await call(server.base, token, 'GET', '/v1/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, approvalsChecked: APPROVALS });
  }

  first.signal('SIGTERM');
  second.signal('SIGTERM');
  await Promise.all([first.exited, second.exited]);

  const store = createRecordStore({ dataDir });
  await store.init();
  try {
    for (const id of ids) {
      const approval = await store.getApproval(id);
      expect({ id, rechecks: approval?.history.filter((h) => h.type === 'recheck').length }).toEqual({ id, rechecks: 1 });
    }
    const head = await store.auditHead();
    // One entry per acknowledged evaluation and per re-check, nothing else, in one gapless chain.
    expect(head?.seq).toBe(APPROVALS + acknowledged.length + APPROVALS);
    expect((await verifyRecord(store, systemClock)).report).toMatchObject({ status: 'ok', approvals: APPROVALS });
  } finally {
    await store.close();
  }
});

it('refuses to start on a damaged database: /health answers, /ready and the API answer 503 store-integrity, and the log says how to restore', async () => {
  const damaged = tempDir('damaged');
  try {
    writeFileSync(path.join(damaged, 'specialfunktion.sqlite'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    const server = await startServer({ DATA_DIR: damaged }, { ready: false });
    const token = adminToken(damaged);
    expect((await call(server.base, '', 'GET', '/health')).status).toBe(200);
    const ready = await call(server.base, '', 'GET', '/ready');
    expect({ status: ready.status, type: ready.body.type, retryAfter: ready.headers.get('retry-after') }).toEqual({
      status: 503,
      type: 'https://specialfunktion.dk/problems/store-integrity',
      retryAfter: null,
    });
    expect(ready.body.damage).toEqual(expect.any(String));
    const write = await call(server.base, token, 'POST', '/v1/evaluations', evaluationRequest(eligibleCase('autisme')));
    expect({ status: write.status, type: write.body.type }).toEqual({ status: 503, type: 'https://specialfunktion.dk/problems/store-integrity' });
    expect(server.output()).toMatch(/copy the latest backup/);
    server.signal('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  } finally {
    removeDir(damaged);
  }
});
