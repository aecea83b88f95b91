import request from 'supertest';
import * as hash from '../../src/rules/hash';
import { eligibleEvidence } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';

/** The evidence hash is computed once, where the evidence is received, and kept with the stored evidence. */

let svc: TestService;
afterEach(async () => {
  jest.restoreAllMocks();
  await svc?.close();
});

it('re-checks an approval on the evidence hash its evaluation stored, without hashing the evidence again', async () => {
  svc = await startTestService();
  const evaluated = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(evaluated.status).toBe(201);
  const approved = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: evaluated.body.id, decision: 'approved', reason: 'ok' });
  expect(approved.status).toBe(201);
  const stored = (await svc.store.getEvaluation(evaluated.body.id))!;
  expect(stored.evidenceHash).toBe(hash.contentHash(eligibleEvidence()));

  const contentHash = jest.spyOn(hash, 'contentHash');
  const rechecked = await svc.rechecker.recheck(approved.body.id, 'manual', { by: 'inspektoer@midt' });
  const evaluationOfRecheck = (await svc.store.getEvaluation(rechecked.evaluationId!))!;
  expect(evaluationOfRecheck.evidenceHash).toBe(stored.evidenceHash);
  expect(contentHash.mock.calls.filter(([value]) => JSON.stringify(value) === JSON.stringify(stored.evidence))).toEqual([]);
});

it('hashes new evidence submitted with a re-check, once', async () => {
  svc = await startTestService();
  const evaluated = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  const approved = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: evaluated.body.id, decision: 'approved', reason: 'ok' });
  const evidence = { ...eligibleEvidence(), agreements: [] };
  const expected = hash.contentHash(evidence);
  const contentHash = jest.spyOn(hash, 'contentHash');
  const rechecked = await svc.rechecker.recheck(approved.body.id, 'evidence', { by: 'inspektoer@midt', evidence });
  expect((await svc.store.getEvaluation(rechecked.evaluationId!))!.evidenceHash).toBe(expected);
  expect(contentHash.mock.calls.filter(([value]) => value === evidence)).toHaveLength(1);
});
