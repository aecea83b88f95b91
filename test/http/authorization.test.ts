import request from 'supertest';
import { eligibleEvidence } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/**
 * The authorization matrix: each role × each protected route, for a provider in the caller's own
 * tilsyn (Midt) and, for inspectors, in another (Nord asking about Midt's provider).
 */
let svc: TestService;
let evaluationId: string;
let approvalId: string;

beforeAll(async () => {
  svc = await startTestService();
  const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('admin')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  evaluationId = ev.body.id;
  const ap = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('admin')).send({ evaluationId, decision: 'approved', reason: 'ok' });
  approvalId = ap.body.id;
});
afterAll(async () => {
  await svc.close();
});

type Who = 'admin' | 'socialstyrelsen' | 'midt' | 'nord' | 'anonymous';

interface Route {
  name: string;
  send: (who: Who) => Promise<request.Response>;
  /** The status, and for a refusal its problem code. */
  expected: Record<Who, string>;
}

const as = (req: request.Test, who: Who) => (who === 'anonymous' ? req : req.set('Authorization', bearer(who)));

// Decisions that would change state are sent with a stale version, so every allowed caller gets 409
// (allowed, refused on the merits) and the fixture stays the same for the next row.
const routes: Route[] = [
  {
    name: 'POST /v1/evaluations?dryRun=true',
    send: (who) => as(request(svc.app).post('/v1/evaluations?dryRun=true'), who).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() }),
    expected: { admin: '200', socialstyrelsen: '200', midt: '200', nord: '403 provider-of-other-tilsyn', anonymous: '401 unauthenticated' },
  },
  {
    name: 'GET /v1/evaluations/{id}',
    send: (who) => as(request(svc.app).get(`/v1/evaluations/${evaluationId}`), who),
    expected: { admin: '200', socialstyrelsen: '200', midt: '200', nord: '404 evaluation-not-found', anonymous: '401 unauthenticated' },
  },
  {
    name: 'POST /v1/approvals (already approved)',
    send: (who) => as(request(svc.app).post('/v1/approvals'), who).send({ evaluationId, decision: 'approved', reason: 'x' }),
    expected: { admin: '409 approval-in-force', socialstyrelsen: '403 role-not-allowed', midt: '409 approval-in-force', nord: '404 evaluation-not-found', anonymous: '401 unauthenticated' },
  },
  {
    name: 'GET /v1/approvals',
    send: (who) => as(request(svc.app).get('/v1/approvals'), who),
    expected: { admin: '200', socialstyrelsen: '200', midt: '200', nord: '200', anonymous: '401 unauthenticated' },
  },
  {
    name: 'GET /v1/approvals/{id}',
    send: (who) => as(request(svc.app).get(`/v1/approvals/${approvalId}`), who),
    expected: { admin: '200', socialstyrelsen: '200', midt: '200', nord: '404 approval-not-found', anonymous: '401 unauthenticated' },
  },
  {
    name: 'POST /v1/approvals/{id}/revoke (stale version)',
    send: (who) => as(request(svc.app).post(`/v1/approvals/${approvalId}/revoke`), who).send({ reason: 'x', expectedVersion: 99 }),
    expected: { admin: '409 approval-changed', socialstyrelsen: '403 decided-by-socialtilsyn', midt: '409 approval-changed', nord: '404 approval-not-found', anonymous: '401 unauthenticated' },
  },
  {
    name: 'POST /v1/approvals/{id}/renew (stale version)',
    send: (who) => as(request(svc.app).post(`/v1/approvals/${approvalId}/renew`), who).send({ evaluationId, expectedVersion: 99 }),
    expected: { admin: '409 approval-changed', socialstyrelsen: '403 decided-by-socialtilsyn', midt: '409 approval-changed', nord: '404 approval-not-found', anonymous: '401 unauthenticated' },
  },
  {
    name: 'GET /v1/audit',
    send: (who) => as(request(svc.app).get('/v1/audit'), who),
    expected: { admin: '200', socialstyrelsen: '403 role-not-allowed', midt: '403 role-not-allowed', nord: '403 role-not-allowed', anonymous: '401 unauthenticated' },
  },
  {
    name: 'GET /v1/audit/verify',
    send: (who) => as(request(svc.app).get('/v1/audit/verify'), who),
    expected: { admin: '200', socialstyrelsen: '403 role-not-allowed', midt: '403 role-not-allowed', nord: '403 role-not-allowed', anonymous: '401 unauthenticated' },
  },
];

const cases = routes.flatMap((route) => (Object.keys(route.expected) as Who[]).map((who) => [route.name, who, route] as const));

it.each(cases)('%s as %s', async (_name, who, route) => {
  const res = await route.send(who);
  const code = res.status >= 400 ? ` ${String(res.body.type).replace('https://specialfunktion.dk/problems/', '')}` : '';
  expect(`${res.status}${code}`).toBe(route.expected[who]);
});

it('lets an invalid token in nowhere', async () => {
  const res = await request(svc.app).get('/v1/approvals').set('Authorization', 'Bearer not-a-real-token');
  expectProblem(res, 401, 'invalid-token');
});
