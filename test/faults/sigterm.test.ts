import { createRecordStore } from '../../src/approvals/records';
import { request as httpRequest, Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import { adminToken, call, eligibleCase, evaluationRequest, killAll, removeDir, startServer, tempDir } from './support/child';

/**
 * SIGTERM while requests are in flight: the service stops accepting connections, finishes every
 * request it already has (2xx), closes the store and exits 0 on its own, well before
 * SHUTDOWN_TIMEOUT_MS (whose expiry would exit 1).
 *
 * "In flight" is made certain rather than hoped for: each request is sent with `Expect: 100-continue`
 * and its body is held back until the server has answered `100 Continue` (so it has accepted the
 * connection and parsed the headers); SIGTERM goes out then, and the bodies only after the service has
 * logged that it is shutting down. So every one of these requests is handled entirely during shutdown.
 * The clients use keep-alive connections, as a load balancer would.
 */
jest.setTimeout(60_000);

const REQUESTS = 8;
const SHUTDOWN_TIMEOUT_MS = 10_000;

let dataDir: string;
beforeAll(() => {
  dataDir = tempDir('sigterm');
});
afterAll(async () => {
  await killAll();
  removeDir(dataDir);
});

interface Pending {
  req: ClientRequest;
  continued: Promise<void>;
  response: Promise<{ status: number; body: string }>;
}

function postHeld(port: number, token: string, body: string, agent: Agent): Pending {
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/evaluations',
    agent,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
  });
  const continued = new Promise<void>((resolve, reject) => {
    req.once('continue', () => resolve());
    req.once('error', reject);
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  req.flushHeaders();
  return { req, continued, response };
}

it('finishes every in-flight request with 2xx after SIGTERM, refuses new connections, and exits 0', async () => {
  const server = await startServer({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
  const token = adminToken(dataDir);
  const specialer = ['autisme', 'erhvervet-hjerneskade', 'synsnedsaettelse'];
  const bodies = Array.from({ length: REQUESTS }, (_, i) => JSON.stringify(evaluationRequest(eligibleCase(specialer[i % specialer.length]))));
  const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS });
  try {
    // An earlier request leaves an idle keep-alive connection (fetch's pool) open at SIGTERM as well.
    expect((await call(server.base, token, 'GET', '/v1/audit/verify')).body).toMatchObject({ ok: true, entries: 0 });

    const pending = bodies.map((body) => postHeld(server.port, token, body, agent));
    await Promise.all(pending.map((p) => p.continued));

    const signalled = Date.now();
    server.signal('SIGTERM');
    await server.waitForOutput(/"msg":"shutting down"/, 5_000, 'the shutting-down log line');
    // The listener is closed: a new connection is refused...
    await expect(fetch(`${server.base}/health`)).rejects.toThrow();
    // ...but the requests it already has are served.
    pending.forEach((p, i) => p.req.end(bodies[i]));
    const responses = await Promise.all(pending.map((p) => p.response));
    expect(responses.map((r) => r.status)).toEqual(Array(REQUESTS).fill(201));

    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Today this takes about 5 s more than the requests need: server.close() waits for the keep-alive
    // connections, which become idle only after closeIdleConnections() ran, so they linger until the
    // keep-alive timeout (5 s). Not a failure, but it eats into SHUTDOWN_TIMEOUT_MS.
    expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(server.output()).not.toMatch(/shutdown timed out/);

    // What it acknowledged during shutdown is stored, and the audit chain is whole.
    const store = createRecordStore({ dataDir });
    await store.init();
    try {
      for (const r of responses) expect(await store.getEvaluation(JSON.parse(r.body).id)).not.toBeNull();
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: REQUESTS });
    } finally {
      await store.close();
    }
  } finally {
    agent.destroy();
  }
});
