import { adminToken, call, eligibleCase, evaluationRequest, killAll, removeDir, sleep, startServer, tempDir } from './support/child';

/**
 * kill -9 of the service while four clients keep writing: everything the service acknowledged (201)
 * must be there after a restart, each with its audit entry, and the audit chain must verify. The
 * writes that were in flight when the process died may or may not have landed; neither outcome may
 * break the store.
 */
jest.setTimeout(60_000);

const CLIENTS = 4;
const WRITE_MS = 2_000;

let dataDir: string;
beforeAll(() => {
  dataDir = tempDir('writes');
});
afterAll(async () => {
  await killAll();
  removeDir(dataDir);
});

it('keeps every acknowledged evaluation, with its audit entry, across kill -9 during concurrent writes', async () => {
  const first = await startServer({ DATA_DIR: dataDir });
  const token = adminToken(dataDir);
  const cases = ['autisme', 'erhvervet-hjerneskade', 'synsnedsaettelse'].map(eligibleCase);

  const acknowledged: string[] = [];
  const unexpected: string[] = [];
  let inFlightAtKill = 0;
  let inFlight = 0;
  let stop = false;
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      inFlight++;
      try {
        const res = await call(first.base, token, 'POST', '/v1/evaluations', evaluationRequest(cases[(n + i) % cases.length]));
        if (res.status === 201) acknowledged.push(res.body.id);
        else unexpected.push(`${res.status} ${JSON.stringify(res.body)}`);
      } catch {
        // The connection died with the server: not acknowledged, so no promise was made.
      } finally {
        inFlight--;
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
  await sleep(WRITE_MS);
  // Kill while the clients are still sending (their requests are in flight right now).
  inFlightAtKill = inFlight;
  await first.kill9();
  stop = true;
  await Promise.all(clients);
  expect(first.proc.signalCode).toBe('SIGKILL');
  expect(unexpected).toEqual([]);
  expect(inFlightAtKill).toBeGreaterThan(0);
  expect(acknowledged.length).toBeGreaterThan(20);

  // The restart loads the datafiles the dead process left (and compacts them) and becomes ready.
  const second = await startServer({ DATA_DIR: dataDir });
  expect(second.output()).not.toMatch(/"level":(50|60)/); // no error or fatal log lines while loading

  // Every acknowledged evaluation reads back, a few at a time.
  const missing: string[] = [];
  for (let i = 0; i < acknowledged.length; i += 16) {
    const batch = acknowledged.slice(i, i + 16);
    const results = await Promise.all(batch.map((id) => call(second.base, token, 'GET', `/v1/evaluations/${id}`)));
    results.forEach((res, j) => {
      if (res.status !== 200 || res.body.id !== batch[j]) missing.push(`${batch[j]}: ${res.status}`);
    });
  }
  expect(missing).toEqual([]);

  // The audit chain verifies, and names every acknowledged evaluation.
  const verify = await call(second.base, token, 'GET', '/v1/audit/verify');
  expect(verify.status).toBe(200);
  expect(verify.body.ok).toBe(true);
  const audited = new Set<string>();
  let entries = 0;
  for (let afterSeq = 0, pages = 0; pages < 1000; pages++) {
    const page = await call(second.base, token, 'GET', `/v1/audit?limit=500&afterSeq=${afterSeq}`);
    expect(page.status).toBe(200);
    for (const entry of page.body.items as { seq: number; entityType: string; entityId: string }[]) {
      entries++;
      expect(entry.seq).toBe(entries);
      if (entry.entityType === 'evaluation') audited.add(entry.entityId);
    }
    if (page.body.nextAfterSeq === undefined) break;
    afterSeq = page.body.nextAfterSeq;
  }
  expect(entries).toBe(verify.body.entries);
  expect(acknowledged.filter((id) => !audited.has(id))).toEqual([]);
  // At most the writes in flight at the kill (one per client) can have landed unacknowledged.
  expect(entries - acknowledged.length).toBeLessThanOrEqual(CLIENTS);

  // And the store carries on: a new write after the restart is acknowledged and chained.
  const after = await call(second.base, token, 'POST', '/v1/evaluations', evaluationRequest(cases[0]));
  expect(after.status).toBe(201);
  expect((await call(second.base, token, 'GET', '/v1/audit/verify')).body).toMatchObject({ ok: true, entries: entries + 1 });

  second.signal('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
});
