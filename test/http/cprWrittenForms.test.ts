import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';

/** CPR numbers as people write them, in a decision reason: refused before anything is stored or logged. */

let svc: TestService;
beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);

const WRITTEN_FORMS: [string, string][] = [
  ['010190-1234', 'with a dash'],
  ['0101901234', 'without a separator'],
  ['010190 1234', 'with a space'],
  ['010190\u20131234', 'with an en dash'],
  ['010190 \u2014 1234', 'with an em dash between spaces'],
  ['010190/1234', 'with a slash'],
  ['01.01.90-1234', 'with dots in the date'],
  ['01 01 90 1234', 'with spaces in the date'],
  ['\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14', 'in full-width digits'],
  ['0101\u200b90\u200c1234', 'with zero-width spaces inside'],
  ['010190\u2060-\ufeff1234', 'with a word joiner and a byte order mark'],
];

/** Values that look like numbers but are not CPR numbers: a reason holding them is accepted. */
const FALSE_POSITIVES = ['2026-10-01', '+45 12 34 56 78', '12345678', 'CVR 29403473', '10 11 12 13 14', '5b2e8f7a-1c3d-4e5f-8a9b-0c1d2e3f4a5b', '9c1f0e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100'];

async function evaluationId(): Promise<string> {
  const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function auditCount(): Promise<number> {
  const res = await call('get', '/v1/audit/verify', 'admin');
  expect(res.status).toBe(200);
  return (await call('get', '/v1/audit?limit=200', 'admin')).body.items.length;
}

describe('a CPR number in a decision reason, however it is written', () => {
  it.each(WRITTEN_FORMS)('refuses %j (%s) with 422 cpr-refused at /reason, never echoing it, and stores nothing', async (cpr) => {
    const id = await evaluationId();
    const before = await auditCount();
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId: id, decision: 'approved', reason: `Borgeren (${cpr}) er flyttet` });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/reason', code: 'cpr-refused' })]);
    expect(res.text).not.toContain(cpr);
    expect(res.text).not.toContain('1234');
    expect(await auditCount()).toBe(before);
    expect((await call('get', '/v1/approvals', 'midt')).body.items).toEqual([]);
  });

  it('accepts a reason holding dates, phone, CVR numbers, counts, record ids and hashes', async () => {
    const id = await evaluationId();
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId: id, decision: 'approved', reason: `Gennemgået: ${FALSE_POSITIVES.join('; ')}` });
    expect(res.status).toBe(201);
  });

  it.each(WRITTEN_FORMS)('refuses %j (%s) in the query, naming the parameter only', async (cpr) => {
    const res = await call('get', `/v1/approvals?tilbudId=${encodeURIComponent(cpr)}`, 'midt');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'query:/tilbudId', code: 'cpr-refused' })]);
    expect(res.text).not.toContain('1234');
  });

  it.each(WRITTEN_FORMS)('refuses %j (%s) %%-encoded in the path, naming the path only', async (cpr) => {
    const res = await call('get', `/v1/approvals/${encodeURIComponent(cpr)}`, 'midt');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'path', code: 'cpr-refused' })]);
    expect(res.text).not.toContain('1234');
  });

  it('refuses one written with a space in a vocabulary field of the evidence, naming the pointer only', async () => {
    const evidence = eligibleEvidence() as { staff: { profession: string }[] };
    evidence.staff[0].profession = '010190 1234';
    const refused = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/evidence/staff/0/profession', code: 'cpr-refused' })]);
    expect(refused.text).not.toContain('010190');
    expectResponseMatchesSpec(refused);
  });
});
