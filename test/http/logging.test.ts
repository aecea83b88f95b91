import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { eligibleEvidence } from '../support/builders';
import { bearer, startTestService, TOKENS, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/** Logs are structured JSON lines and carry neither evidence contents, tokens nor CPR-like values. */
let svc: TestService;
let lines: string[];

beforeEach(async () => {
  lines = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  svc = await startTestService({ logger: pino({ level: 'info' }, sink) });
});
afterEach(async () => {
  await svc.close();
});

it('logs one JSON line per request without evidence, tokens or CPR-like values', async () => {
  const evidence = eligibleEvidence();
  await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
  await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence: { ...evidence, note: '010190-1234' } });
  await request(svc.app).get('/v1/evaluations/0101901234').set('Authorization', bearer('admin'));
  await request(svc.app).get('/v1/approvals').set('Authorization', 'Bearer wrong-token-value');

  expect(lines.length).toBeGreaterThanOrEqual(4);
  const entries = lines.map((l) => JSON.parse(l));
  expect(entries.filter((e) => e.msg === 'request').map((e) => e.status)).toEqual([201, 422, 422, 401]);
  const all = lines.join('\n');
  for (const secret of [TOKENS.midt, TOKENS.admin, 'wrong-token-value', '010190', '0101901234', 'M-001', 'Psykiatrien Region Midtjylland', 'Bostedet']) {
    expect(all).not.toContain(secret);
  }
  expect(entries.find((e) => e.status === 201)).toMatchObject({ method: 'POST', path: '/v1/evaluations', subject: 'inspektoer@midt', reqId: expect.any(String) });
});

it('refuses a CPR-like value in the path without echoing it', async () => {
  const res = await request(svc.app).get('/v1/evaluations/010190-1234').set('Authorization', bearer('admin'));
  expectProblem(res, 422, 'cpr-refused', ['path cpr-refused']);
  expect(JSON.stringify(res.body)).not.toContain('010190');
});

it('refuses a CPR number hidden in the path by %-escapes next to a malformed one, keeping it out of the answer and the log', async () => {
  for (const path of ['/v1/approvals/01019%301234%ZZ', '/v1/approvals/%30101901234', '/v1/approvals/01019%25301234', '/nowhere/010190%2D1234%']) {
    const res = await request(svc.app).get(path).set('Authorization', bearer('admin'));
    expect({ path, status: res.status }).toEqual({ path, status: 422 });
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'path' })]);
    // The instance would repeat the path: it is left out.
    expect(res.body.instance).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/01019|%30/);
  }
  const requests = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'request');
  expect(requests.map((e) => e.path)).toEqual(['[redacted]', '[redacted]', '[redacted]', '[redacted]']);
  expect(lines.join('\n')).not.toMatch(/01019|%30/);
});

it('logs the full path of a request answered by a mounted router, and never the query', async () => {
  await request(svc.app).get('/docs/?token=secret-value');
  const entry = lines.map((l) => JSON.parse(l)).find((e) => e.msg === 'request');
  expect(entry).toMatchObject({ method: 'GET', path: '/docs/' });
  expect(lines.join('\n')).not.toContain('secret-value');
});
