import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { RecheckBatch } from '../src/approvals/batch';
import { Rechecker } from '../src/approvals/recheck';
import { ApprovalService } from '../src/approvals/service';
import { loadTokensFile, tokenHash } from '../src/auth';
import { createApp } from '../src/http/app';
import type { RulesCatalogue } from '../src/rules/catalogue';
import { EmbeddedStore } from '../src/store/embedded';
import { systemClock } from '../src/time/clock';

const TOKEN = 'bench-inspector-token-0123456789';

/** POST /v1/evaluations under load, beside a trivial route of the same process (the limit). */
export async function benchHttp(rules: RulesCatalogue, quick: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-bench-http-'));
  const tokensFile = path.join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify([{ sha256: tokenHash(TOKEN), subject: 'bench', role: 'admin' }]));
  const store = new EmbeddedStore(path.join(dir, 'data'));
  await store.init();
  const service = new ApprovalService({ store, rules, clock: systemClock });
  const rechecker = new Rechecker({ store, rules, clock: systemClock });
  const batch = new RecheckBatch({ store, rules, clock: systemClock, rechecker, holder: 'bench' });
  const app = createApp({ service, rules, store, authenticator: loadTokensFile(tokensFile), logger: pino({ level: 'silent' }), clock: systemClock, rechecker, batch });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const casesDir = path.join(__dirname, '../../rules/autisme/cases');
  const c = readdirSync(casesDir).map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'))).find((x) => x.expected.overall === 'eligible');
  const body = JSON.stringify({ speciale: 'autisme', level: c.level, evidence: c.evidence, asOf: c.asOf, ...(c.version ? { version: c.version } : {}) });
  const duration = quick ? 2 : 5;

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
    server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, ratios };
}
