import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The real server, started the way an operator starts it (`npm start`), driven over HTTP,
 * killed with SIGKILL and restarted: every acknowledged record must still be there.
 */
const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(180_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

async function start(env: Record<string, string>, port: number): Promise<Started> {
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, detached: true });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.status === 200) return { child, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become ready: ${out}`);
}

/** Kill the whole process group (npm and node) without any chance to clean up. */
function kill9(started: Started): Promise<void> {
  return new Promise((resolve) => {
    started.child.once('exit', () => resolve());
    process.kill(-(started.child.pid as number), 'SIGKILL');
  });
}

function eligibleCase(speciale: string): { evidence: unknown; asOf: string; version?: string } {
  const dir = path.join(ROOT, 'rules', speciale, 'cases');
  for (const file of readdirSync(dir).sort()) {
    const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    if (c.level === 'specialfunktion' && c.expected.overall === 'eligible') return c;
  }
  throw new Error(`no eligible specialfunktion case for ${speciale}`);
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sf-e2e-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps every acknowledged evaluation, decision and revocation across kill -9 and restart', async () => {
  const port = await freePort();
  const first = await start({ DATA_DIR: dataDir }, port);
  const tokensFile = path.join(dataDir, 'generated-tokens.json');
  expect(first.output()).toContain(tokensFile);
  expect(statSync(tokensFile).mode & 0o777).toBe(0o600);
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as { role: string; tilsyn?: string; token: string }[];
  const admin = tokens.find((t) => t.role === 'admin')!.token;
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, {
      method,
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  const ids: { evaluations: string[]; approvals: string[] } = { evaluations: [], approvals: [] };
  for (const speciale of ['autisme', 'erhvervet-hjerneskade', 'synsnedsaettelse']) {
    const c = eligibleCase(speciale);
    const ev = await call('POST', '/v1/evaluations', { speciale, level: 'specialfunktion', evidence: c.evidence, asOf: c.asOf, version: c.version });
    expect(ev.status).toBe(201);
    expect(ev.body.overall).toBe('eligible');
    ids.evaluations.push(ev.body.id);
    const ap = await call('POST', '/v1/approvals', { evaluationId: ev.body.id, decision: 'approved', reason: 'Opfylder kriterierne', validFrom: c.asOf });
    expect(ap.status).toBe(201);
    ids.approvals.push(ap.body.id);
  }
  const revoked = await call('POST', `/v1/approvals/${ids.approvals[0]}/revoke`, { reason: 'Kriterierne er ikke længere opfyldt' });
  expect(revoked.status).toBe(200);

  await kill9(first);
  const second = await start({ DATA_DIR: dataDir }, port);
  try {
    for (const id of ids.evaluations) expect((await call('GET', `/v1/evaluations/${id}`)).status).toBe(200);
    const approvals = await Promise.all(ids.approvals.map((id) => call('GET', `/v1/approvals/${id}`)));
    expect(approvals.map((a) => a.body.status)).toEqual(['revoked', 'active', 'active']);
    const verify = await call('GET', '/v1/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, entries: 7 });
    // The generated tokens were written once; the restart reused them.
    expect(JSON.parse(readFileSync(tokensFile, 'utf8'))).toEqual(tokens);
  } finally {
    await new Promise<void>((resolve) => {
      second.child.once('exit', () => resolve());
      process.kill(-(second.child.pid as number), 'SIGTERM');
    });
  }
  expect(second.child.exitCode === 0 || second.child.signalCode === 'SIGTERM').toBe(true);
});
