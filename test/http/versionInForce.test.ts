import { eligibleEvidence, ruleset } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';

/** A decision rests on the criteria in force on the day it is made. */
let svc: TestService;
const call = apiCaller(() => svc);

beforeEach(async () => {
  // 1.1.0 comes into force on 2026-11-01; the evidence (reported 2026-09-01) stays current until 2027-09-01.
  svc = await startTestService({ rulesets: [ruleset(), ruleset({ version: '1.1.0', effectiveFrom: '2026-11-01' })] });
});
afterEach(async () => {
  await svc.close();
});

it('refuses to approve on an evaluation made under a version no longer in force, naming the version to evaluate under', async () => {
  const made = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(made.body).toMatchObject({ rulesetVersion: '1.0.0', overall: 'eligible' });
  svc.clock.set('2026-11-02T09:00:00Z');
  const refused = await call('post', '/v1/approvals', 'midt', { evaluationId: made.body.id, decision: 'approved', reason: 'ok' });
  expect({ status: refused.status, type: refused.body.type, versionInForce: refused.body.versionInForce }).toEqual({
    status: 409,
    type: 'https://specialfunktion.dk/problems/version-not-in-force',
    versionInForce: '1.1.0',
  });
  const again = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(again.body.rulesetVersion).toBe('1.1.0');
  expect((await call('post', '/v1/approvals', 'midt', { evaluationId: again.body.id, decision: 'approved', reason: 'ok' })).status).toBe(201);
});

it('still lets an inspector reject on such an evaluation', async () => {
  const made = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: { ...eligibleEvidence(), agreements: [] } });
  svc.clock.set('2026-11-02T09:00:00Z');
  expect((await call('post', '/v1/approvals', 'midt', { evaluationId: made.body.id, decision: 'rejected', reason: 'Ikke opfyldt' })).status).toBe(201);
});
