import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { median } from './timing';
import type { Transaction } from './transactions';

const TOKEN = 'bench-admin-token-0123456789';

/** The body every benchmarked POST /v1/evaluations sends: the first eligible autisme case. */
export function evaluationBody(): string {
  const casesDir = path.join(__dirname, '../../rules/autisme/cases');
  const c = readdirSync(casesDir).map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'))).find((x) => x.expected.overall === 'eligible');
  return JSON.stringify({ speciale: 'autisme', level: c.level, evidence: c.evidence, asOf: c.asOf, ...(c.version ? { version: c.version } : {}) });
}

/**
 * The variants of POST /v1/evaluations served beside it (bench/httpServer.ts): its store serialising each
 * change and acknowledging it without writing, and its use case answering a view computed once.
 */
export const VARIANTS = ['serialised, not written', 'precomputed answer'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * POST /v1/evaluations under load at 1, 8 and 32 connections, beside a trivial route of the same
 * process (the limit), and how many evaluations the store committed per transaction meanwhile (group
 * commit). The service runs in a child process; autocannon runs here.
 */
export async function benchHttp(quick: boolean) {
  const child = spawn(process.execPath, [path.join(__dirname, 'httpServer.js'), TOKEN], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  /** The server's store transactions since the last call. */
  const transactions = () =>
    new Promise<Transaction[]>((resolve) => {
      child.once('message', (message) => resolve(message as Transaction[]));
      child.send('transactions');
    });
  const ports = await new Promise<{ port: number; unwrittenPort: number; precomputedPort: number }>((resolve, reject) => {
    child.stdout?.once('data', (d) => resolve(JSON.parse(String(d))));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${ports.port}`;
  const body = evaluationBody();
  const duration = quick ? 3 : 6;
  const rounds = quick ? 1 : 3;

  type Row = {
    connections: number;
    route: string;
    requestsPerSecond: number;
    p50: number;
    p99: number;
    rounds: number;
    /** POST: commits per store transaction (group commit; the mean over the rounds' transactions) and the median time a transaction held the server's thread. */
    commitsPerTransaction?: number;
    transactionMs?: number;
  };
  const rows: Row[] = [];
  const ratios: { connections: number; ratio: number }[] = [];
  /** At 8 connections: /health, the route and its variants, each with its req/s as a share of /health's in the same round. */
  const decomposition: { route: string; requestsPerSecond: number; p50: number; p99: number; ofHealth: number }[] = [];
  const post = (port: number, connections: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/v1/evaluations`,
      method: 'POST',
      connections,
      duration,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
  const load = async (route: 'GET /health' | 'POST /v1/evaluations' | Variant, connections: number) => {
    const result =
      route === 'GET /health'
        ? await autocannon({ url: `${url}/health`, connections, duration })
        : route === 'POST /v1/evaluations'
          ? await post(ports.port, connections)
          : await post(route === 'serialised, not written' ? ports.unwrittenPort : ports.precomputedPort, connections);
    // A figure for requests that failed would measure the error path, not the service.
    if (result.errors > 0 || result.non2xx > 0) throw new Error(`${route} at ${connections} connections: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
    return result;
  };
  try {
    for (const connections of [1, 8, 32]) {
      // The two routes alternate, round by round, so machine noise hits both alike; ratios are per round.
      const samples = { trivial: [] as autocannon.Result[], evaluation: [] as autocannon.Result[] };
      const roundRatios: number[] = [];
      const commits: Transaction[] = [];
      for (let round = 0; round < rounds; round++) {
        const trivial = await load('GET /health', connections);
        await transactions();
        const evaluation = await load('POST /v1/evaluations', connections);
        commits.push(...(await transactions()).filter((t) => t.changes > 0));
        samples.trivial.push(trivial);
        samples.evaluation.push(evaluation);
        roundRatios.push(evaluation.requests.average / trivial.requests.average);
      }
      for (const [route, results] of [['GET /health', samples.trivial], ['POST /v1/evaluations', samples.evaluation]] as const) {
        rows.push({
          connections,
          route,
          requestsPerSecond: median(results.map((r) => r.requests.average)),
          p50: median(results.map((r) => r.latency.p50)),
          p99: median(results.map((r) => r.latency.p99)),
          rounds,
          ...(route === 'POST /v1/evaluations' && commits.length > 0
            ? { commitsPerTransaction: commits.reduce((n, t) => n + t.changes, 0) / commits.length, transactionMs: median(commits.map((t) => t.us)) / 1000 }
            : {}),
        });
      }
      ratios.push({ connections, ratio: median(roundRatios) });
    }
    // At the target's 8 connections: the route beside its two variants (bench/httpServer.ts), each round
    // taking /health, the route and both variants in turn, ratios per round.
    const decompositionSamples = new Map<'GET /health' | 'POST /v1/evaluations' | Variant, { result: autocannon.Result; health: number }[]>();
    for (let round = 0; round < rounds; round++) {
      const health = await load('GET /health', 8);
      for (const route of ['GET /health', 'POST /v1/evaluations', ...VARIANTS] as const) {
        const result = route === 'GET /health' ? health : await load(route, 8);
        decompositionSamples.set(route, [...(decompositionSamples.get(route) ?? []), { result, health: health.requests.average }]);
      }
      await transactions();
    }
    for (const [route, samples] of decompositionSamples) {
      decomposition.push({
        route,
        requestsPerSecond: median(samples.map((s) => s.result.requests.average)),
        p50: median(samples.map((s) => s.result.latency.p50)),
        p99: median(samples.map((s) => s.result.latency.p99)),
        ofHealth: median(samples.map((s) => s.result.requests.average / s.health)),
      });
    }
  } finally {
    child.kill('SIGTERM');
  }
  return { rows, ratios, decomposition, bodyBytes: Buffer.byteLength(body) };
}
