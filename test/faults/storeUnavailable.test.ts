import { mkdirSync, rmdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { adminToken, call, eligibleCase, evaluationRequest, killAll, removeDir, sleep, startServer, tempDir, type Response, type Server } from './support/child';

/**
 * The store becoming unavailable must cost availability, not the process: writes answer 503
 * problem+json with Retry-After, /ready answers 503, /health stays 200, and once the store is back the
 * same process serves writes again.
 *
 * "Cannot be written" is made the way that also stops root (whom permission bits do not stop; the server
 * runs as whoever runs the tests): another process holds the database's write lock for longer than the
 * store's busy timeout (an operator's sqlite3 session left open, say), until it lets go.
 */
jest.setTimeout(60_000);

const dirs: string[] = [];
const newDataDir = (name: string) => {
  const dir = tempDir(name);
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await killAll();
  for (const d of dirs) removeDir(d);
});

/** Another process takes the database's write lock and holds it; returns the release. */
function holdWriteLock(dataDir: string): () => void {
  const db = new Database(path.join(dataDir, 'specialfunktion.sqlite'));
  db.prepare('BEGIN IMMEDIATE').run();
  return () => {
    db.prepare('ROLLBACK').run();
    db.close();
  };
}

function expectUnavailable(res: Response): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(res.body).toMatchObject({ status: 503, type: 'https://specialfunktion.dk/problems/store-unavailable', title: expect.any(String) });
}

async function get(server: Server, url: string): Promise<Response> {
  return call(server.base, '', 'GET', url);
}

/** Polls until `check` passes (bounded), for what the service does in the background. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

const request = evaluationRequest(eligibleCase('autisme'));

it('embedded store: a database that cannot be written gives 503 + Retry-After and a 503 /ready; once it can, writes resume without a restart', async () => {
  const dataDir = newDataDir('unwritable');
  const server = await startServer({ DATA_DIR: dataDir });
  const token = adminToken(dataDir);
  const kept = await call(server.base, token, 'POST', '/v1/evaluations', request);
  expect(kept.status).toBe(201);

  const release = holdWriteLock(dataDir);
  try {
    expectUnavailable(await call(server.base, token, 'POST', '/v1/evaluations', request));
    expectUnavailable(await get(server, '/ready'));
    expect((await get(server, '/health')).status).toBe(200);
    // The published criteria need no store and keep being served.
    expect((await get(server, '/v1/specialer')).status).toBe(200);
    expect(server.running).toBe(true);
  } finally {
    release();
  }

  // Same process, no restart: ready again, writes acknowledged, earlier data intact, nothing half-written.
  expect((await get(server, '/ready')).status).toBe(200);
  const after = await call(server.base, token, 'POST', '/v1/evaluations', request);
  expect(after.status).toBe(201);
  expect((await call(server.base, token, 'GET', `/v1/evaluations/${kept.body.id}`)).status).toBe(200);
  expect((await call(server.base, token, 'GET', `/v1/evaluations/${after.body.id}`)).status).toBe(200);
  expect((await call(server.base, token, 'GET', '/v1/audit/verify')).body).toMatchObject({ ok: true, entries: 2 });
  expect(server.output()).not.toMatch(/"level":60/);

  server.signal('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
});

it('embedded store unavailable at start: the service listens anyway (503), and opens the store in the background once it can', async () => {
  const dataDir = newDataDir('start');
  mkdirSync(path.join(dataDir, 'specialfunktion.sqlite'), { recursive: true }); // a database file that cannot be opened
  const server = await startServer({ DATA_DIR: dataDir }, { ready: false });
  expect(server.output()).toMatch(/store unavailable at start/);
  const token = adminToken(dataDir);

  expect((await get(server, '/health')).status).toBe(200);
  expectUnavailable(await get(server, '/ready'));
  expectUnavailable(await call(server.base, token, 'POST', '/v1/evaluations', request));
  expectUnavailable(await call(server.base, token, 'GET', '/v1/approvals'));

  rmdirSync(path.join(dataDir, 'specialfunktion.sqlite'));
  await eventually(async () => (await get(server, '/ready')).status === 200, 15_000, '/ready to answer 200');
  expect(server.output()).toMatch(/store is available again/);
  expect((await call(server.base, token, 'POST', '/v1/evaluations', request)).status).toBe(201);
  expect((await call(server.base, token, 'GET', '/v1/audit/verify')).body).toMatchObject({ ok: true, entries: 1 });

  server.signal('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
});

// Only the unavailable half can be tested for MongoDB: there is no mongod on this machine, so "the
// store comes back" is covered by the embedded test above, which goes through the same start-up code.
it('MongoDB unreachable at start (closed port): the service listens, /health 200, /ready and /v1 503 with Retry-After, and keeps retrying without crashing', async () => {
  const dataDir = newDataDir('mongo'); // only for the generated tokens
  const server = await startServer(
    { DATA_DIR: dataDir, MONGODB_URI: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500', MONGODB_DB: 'faults' },
    { ready: false },
  );
  expect(server.output()).toMatch(/store unavailable at start/);
  const token = adminToken(dataDir);

  const started = Date.now();
  expect((await get(server, '/health')).status).toBe(200);
  expectUnavailable(await get(server, '/ready'));
  expectUnavailable(await call(server.base, token, 'POST', '/v1/evaluations', request));
  expectUnavailable(await call(server.base, token, 'GET', '/v1/approvals'));
  expectUnavailable(await call(server.base, token, 'GET', '/v1/audit/verify'));
  // While the store is closed off, 503 comes at once rather than after a server-selection timeout.
  expect(Date.now() - started).toBeLessThan(2_000);

  // At least one background attempt fails and is logged, and the process is still serving after it.
  await server.waitForOutput(/store still unavailable/, 20_000, 'a failed background attempt');
  expect((await get(server, '/health')).status).toBe(200);
  expectUnavailable(await call(server.base, token, 'POST', '/v1/evaluations', request));
  expect(server.running).toBe(true);

  // Shutting down while a background attempt may be in progress still exits cleanly.
  server.signal('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
});
