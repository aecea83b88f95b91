import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

const TOKEN = 'bench-admin-token-0123456789';

/**
 * POST /v1/evaluations under load at 1, 8 and 32 connections, beside a trivial route of the same
 * process (the limit). The service runs in a child process; autocannon runs here.
 */
export async function benchHttp(quick: boolean) {
  const child = spawn(process.execPath, [path.join(__dirname, 'httpServer.js'), TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const casesDir = path.join(__dirname, '../../rules/autisme/cases');
  const c = readdirSync(casesDir).map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'))).find((x) => x.expected.overall === 'eligible');
  const body = JSON.stringify({ speciale: 'autisme', level: c.level, evidence: c.evidence, asOf: c.asOf, ...(c.version ? { version: c.version } : {}) });
  const duration = quick ? 3 : 8;

  const rows: { connections: number; route: string; requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number }[] = [];
  const ratios: { connections: number; ratio: number }[] = [];
  try {
    for (const connections of [1, 8, 32]) {
      const trivial = await autocannon({ url: `${url}/health`, connections, duration });
      const evaluation = await autocannon({
        url: `${url}/v1/evaluations`,
        method: 'POST',
        connections,
        duration,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
      });
      for (const [route, r] of [['GET /health', trivial], ['POST /v1/evaluations', evaluation]] as const) {
        rows.push({ connections, route, requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      }
      ratios.push({ connections, ratio: evaluation.requests.average / trivial.requests.average });
    }
  } finally {
    child.kill('SIGTERM');
  }
  return { rows, ratios, bodyBytes: body.length };
}
