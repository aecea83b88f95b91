import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence } from '../support/builders';
import { apiCaller, bearer, startTestService, type TestService } from '../support/testService';

/** Fetch and browsers revalidate with `Cache-Control: no-cache` and `If-None-Match` together: both get the 304. */

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);

async function revalidate(url: string, etag: string, headers: Record<string, string> = {}) {
  let req = request(svc.app).get(url).set('Cache-Control', 'no-cache').set('If-None-Match', etag);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  const res = await req;
  expectResponseMatchesSpec(res);
  return res;
}

describe('conditional GETs with Cache-Control: no-cache', () => {
  it('answers 304 for a rule set whose ETag the client holds, and 200 for another ETag', async () => {
    const url = '/v1/specialer/testspeciale/rulesets/1.0.0';
    const first = await request(svc.app).get(url);
    expect((await revalidate(url, first.headers.etag)).status).toBe(304);
    expect((await revalidate(url, `W/${first.headers.etag}`)).status).toBe(304);
    expect((await revalidate(url, '"sha256:other"')).status).toBe(200);
  });

  it('answers 304 for an approval whose version the client holds', async () => {
    const evaluation = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
    const approval = await call('post', '/v1/approvals', 'midt', { evaluationId: evaluation.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expect(approval.status).toBe(201);
    const url = `/v1/approvals/${approval.body.id}`;
    const auth = { Authorization: bearer('midt') };
    expect((await revalidate(url, approval.headers.etag, auth)).status).toBe(304);
    expect((await revalidate(url, '"999"', auth)).status).toBe(200);
  });

  it('answers 304 for the register, as before', async () => {
    const first = await request(svc.app).get('/v1/register');
    expect((await revalidate('/v1/register', first.headers.etag)).status).toBe(304);
  });
});
