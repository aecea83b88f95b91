import type { Evidence } from '../../src/evidence/types';
import { eligibleEvidence } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/**
 * The written decision (afgørelse) through HTTP: one document per decision in an approval's history, with
 * parties, period, legal basis, rule set and hash, reasons requirement by requirement, the evidence's date
 * and hash, the provider's duties and a klagevejledning; JSON or a printable page.
 */
let svc: TestService;
const call = apiCaller(() => svc);

beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

/** The same evidence, every date moved `years` on: current again later, for a renewal. */
function evidenceYearsLater(years: number): Evidence {
  const text = JSON.stringify(eligibleEvidence()).replace(/"(\d{4})-(\d{2})-(\d{2})"/g, (_, y: string, m: string, d: string) => `"${Number(y) + years}-${m}-${d}"`);
  const evidence = JSON.parse(text) as Evidence;
  // Three courses well inside the 12 months before both the reporting date and the day of renewal.
  const year = Number(evidence.reportingDate.slice(0, 4));
  evidence.citizenCourses = { entries: ['01-10', '03-10', '08-20'].map((md, i) => ({ ref: `F-${i + 1}`, startDate: `${year}-${md}`, targetGroup: 'voksne' })) };
  return evidence;
}

async function evaluate(evidence: Evidence = eligibleEvidence()): Promise<{ id: string; evidenceHash: string; rulesetHash: string }> {
  const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence });
  expect(res.status).toBe(201);
  return res.body;
}

async function approve(): Promise<{ approvalId: string; evaluation: { id: string; evidenceHash: string; rulesetHash: string } }> {
  const evaluation = await evaluate();
  const res = await call('post', '/v1/approvals', 'midt', { evaluationId: evaluation.id, decision: 'approved', reason: 'Kriterierne er opfyldt; gennemgået ved tilsynsbesøg' });
  expect(res.status).toBe(201);
  return { approvalId: res.body.id as string, evaluation };
}

const problemType = (code: string) => `https://specialfunktion.dk/problems/${code}`;

describe('GET /v1/approvals/{id}/decision (JSON)', () => {
  it('writes the approval: parties, period, legal basis, rule set with hash, reasons requirement by requirement, evidence, duties and klagevejledning', async () => {
    const { approvalId, evaluation } = await approve();
    const res = await call('get', `/v1/approvals/${approvalId}/decision`, 'midt');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc).toMatchObject({
      formatVersion: 1,
      approvalId,
      number: 1,
      count: 1,
      kind: 'approval',
      decidedOn: '2026-10-01',
      parties: {
        provider: { name: 'Bostedet Lærkehøj', tilbudId: '4711', cvr: '29189846', kommunekode: '751', municipality: 'Aarhus', region: 'Midtjylland' },
        authority: { name: 'Socialtilsyn Midt', tilsyn: 'Midt' },
        decidedBy: 'inspektoer@midt',
      },
      decision: { reason: 'Kriterierne er opfyldt; gennemgået ved tilsynsbesøg', speciale: 'testspeciale', level: 'specialfunktion', status: 'active', period: { validFrom: '2026-10-01', validUntil: '2030-09-30' } },
      ruleset: { speciale: 'testspeciale', title: 'Testspeciale', version: '1.0.0', effectiveFrom: '2026-01-01', hash: evaluation.rulesetHash },
      evaluation: { id: evaluation.id, asOf: '2026-10-01', overall: 'eligible' },
      evidence: { reportingDate: '2026-09-01', hash: evaluation.evidenceHash },
      obligations: { recheckIntervalMonths: 12 },
    });
    expect(doc.title).toMatch(/godkendelse som specialfunktion/);
    expect(doc.decision.statement).toContain('Bostedet Lærkehøj godkendes som specialfunktion');
    expect(doc.notice).toMatch(/[Ii]llustrativ/);
    expect(doc.legalBasis.length).toBeGreaterThan(0);
    expect(doc.legalBasis.join(' ')).toContain('specialfunktion');
    expect(doc.appeal.join(' ')).toMatch(/Ankestyrelsen/);
    expect(doc.appeal.join(' ')).toContain('Socialtilsyn Midt');
    expect(doc.obligations.reportingDuty).toMatch(/kapacitet/);
    expect(doc.obligations.recheck).toContain('12. måned');
    expect(doc.reasons.map((r: { id: string }) => r.id)).toEqual(['TST-SF-01', 'TST-SF-02', 'TST-SF-03', 'TST-SF-04', 'TST-SF-05', 'TST-SF-06']);
    const volume = doc.reasons.find((r: { id: string }) => r.id === 'TST-SF-03');
    expect(volume).toMatchObject({ outcome: 'met', severity: 'required', conditions: [{ fact: 'citizenCoursesStarted', required: 3, actual: 3, outcome: 'met' }] });
    expect(volume.conditions[0].requiredText).toMatch(/3/);
    expect(volume.conditions[0].actualText).toMatch(/3/);
  });

  it('writes the revocation as the latest decision, resting on the evaluation before it, while the approval stays decision 1', async () => {
    const { approvalId, evaluation } = await approve();
    svc.clock.advanceDays(30);
    expect((await call('post', `/v1/approvals/${approvalId}/revoke`, 'midt', { reason: 'Tilbuddet har ikke længere den krævede volumen' })).status).toBe(200);

    const latest = (await call('get', `/v1/approvals/${approvalId}/decision`, 'midt')).body;
    expect(latest).toMatchObject({
      number: 2,
      count: 2,
      kind: 'revocation',
      decidedOn: '2026-10-31',
      parties: { authority: { name: 'Socialtilsyn Midt' }, decidedBy: 'inspektoer@midt' },
      decision: { reason: 'Tilbuddet har ikke længere den krævede volumen', status: 'revoked', endsOn: '2026-10-31', period: { validFrom: '2026-10-01', validUntil: '2030-09-30' } },
      evaluation: { id: evaluation.id },
      evidence: { hash: evaluation.evidenceHash },
    });
    expect(latest.title).toMatch(/tilbagekaldelse/);
    expect(latest.decision.statement).toContain('tilbagekaldes med virkning fra 31. oktober 2026');
    expect(latest.obligations.nextDueDate).toBeUndefined();

    const first = await call('get', `/v1/approvals/${approvalId}/decisions/1`, 'midt');
    expect(first.body).toMatchObject({ number: 1, count: 2, kind: 'approval' });
    expect((await call('get', `/v1/approvals/${approvalId}/decisions/2`, 'midt')).body).toEqual(latest);
  });

  it('writes a rejection without a period', async () => {
    const evaluation = await evaluate();
    const rejected = await call('post', '/v1/approvals', 'midt', { evaluationId: evaluation.id, decision: 'rejected', reason: 'Tilbuddet har trukket ansøgningen tilbage' });
    expect(rejected.status).toBe(201);
    const doc = (await call('get', `/v1/approvals/${rejected.body.id}/decision`, 'midt')).body;
    expect(doc).toMatchObject({ kind: 'rejection', decision: { period: null, status: 'rejected' } });
    expect(doc.decision.statement).toContain('afslag');
  });

  it('writes a renewal with the new period after the old one, and the approval’s first period as it was', async () => {
    const { approvalId } = await approve();
    svc.clock.set('2030-09-15T09:00:00Z');
    const renewed = await evaluate(evidenceYearsLater(4));
    const res = await call('post', `/v1/approvals/${approvalId}/renew`, 'midt', { evaluationId: renewed.id, reason: 'Fornyet på ny dokumentation' });
    expect(res.status).toBe(200);
    const doc = (await call('get', `/v1/approvals/${approvalId}/decision`, 'midt')).body;
    expect(doc).toMatchObject({
      number: 2,
      kind: 'renewal',
      decision: { previousValidUntil: '2030-09-30', period: { validFrom: '2030-10-01', validUntil: res.body.validUntil } },
      evaluation: { id: renewed.id },
      evidence: { reportingDate: '2030-09-01', hash: renewed.evidenceHash },
    });
    expect((await call('get', `/v1/approvals/${approvalId}/decisions/1`, 'midt')).body.decision.period).toEqual({ validFrom: '2026-10-01', validUntil: '2030-09-30' });
  });
});

describe('a provider that moved', () => {
  it('keeps each decision as the socialtilsyn of its day made it, and follows the provider for who may read it', async () => {
    const { approvalId } = await approve();
    svc.clock.advanceDays(1);
    const request = (await import('supertest')).default;
    const moved = await request(svc.app).patch('/v1/providers/4711').set('Authorization', 'Bearer test-admin-token-0123456789').send({ kommunekode: '851', reason: 'Kommunen var registreret forkert' });
    expect(moved.status).toBe(200);
    svc.clock.advanceDays(1);
    expect((await call('post', `/v1/approvals/${approvalId}/revoke`, 'nord', { reason: 'Kriterierne er ikke længere opfyldt' })).status).toBe(200);

    const revocation = (await call('get', `/v1/approvals/${approvalId}/decision`, 'nord')).body;
    expect(revocation).toMatchObject({ number: 2, kind: 'revocation', parties: { authority: { name: 'Socialtilsyn Nord', tilsyn: 'Nord' }, provider: { kommunekode: '851', municipality: 'Aalborg' } } });
    const approval = (await call('get', `/v1/approvals/${approvalId}/decisions/1`, 'nord')).body;
    expect(approval).toMatchObject({ number: 1, kind: 'approval', parties: { authority: { name: 'Socialtilsyn Midt', tilsyn: 'Midt' }, provider: { kommunekode: '751', municipality: 'Aarhus' } } });
    expectProblem(await call('get', `/v1/approvals/${approvalId}/decisions/1`, 'midt'), 404, 'approval-not-found');
  });
});

describe('the rådgivningsfunktion', () => {
  it('writes Socialstyrelsen’s assignment after a tender: Socialstyrelsen as the authority, the tender named, the rule set’s period', async () => {
    await approve();
    const evaluation = await call('post', '/v1/evaluations', 'socialstyrelsen', {
      speciale: 'testspeciale',
      level: 'raadgivningsfunktion',
      evidence: { ...eligibleEvidence(), advisory: { outreach: true } },
    });
    expect(evaluation.status).toBe(201);
    const assigned = await call('post', '/v1/advisory-assignments', 'socialstyrelsen', { evaluationId: evaluation.body.id, tender: 'SST-UDBUD-2026-014', reason: 'Tildelt efter udbud' });
    expect(assigned.status).toBe(201);
    const doc = (await call('get', `/v1/approvals/${assigned.body.id}/decision`, 'socialstyrelsen')).body;
    expect(doc).toMatchObject({
      number: 1,
      kind: 'assignment',
      parties: { authority: { name: 'Socialstyrelsen' }, decidedBy: 'analytiker@sst' },
      decision: { tender: 'SST-UDBUD-2026-014', level: 'raadgivningsfunktion', period: { validFrom: assigned.body.validFrom, validUntil: assigned.body.validUntil } },
      evaluation: { id: evaluation.body.id },
    });
    expect(doc.parties.authority.tilsyn).toBeUndefined();
    expect(doc.title).toMatch(/tildeling af rådgivningsfunktion/);
    expect(doc.legalBasis.join(' ')).toMatch(/udbud/);
    expect(doc.appeal.join(' ')).toContain('Socialstyrelsen');
    // The provider's own socialtilsyn reads it too.
    expect((await call('get', `/v1/approvals/${assigned.body.id}/decision`, 'midt')).status).toBe(200);
  });
});

describe('numbers, access and media types', () => {
  it('answers 404 decision-not-found past the last decision, and 422 for a number that is not one', async () => {
    const { approvalId } = await approve();
    const missing = await call('get', `/v1/approvals/${approvalId}/decisions/2`, 'midt');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: problemType('decision-not-found'), decisionCount: 1 });
    for (const n of ['0', 'x', '-1', '1.5']) {
      const bad = await call('get', `/v1/approvals/${approvalId}/decisions/${n}`, 'midt');
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: 'path:n', code: 'invalid-decision-number' })]);
    }
  });

  it('is for whoever may read the approval: another tilsyn gets 404, Socialstyrelsen reads it', async () => {
    const { approvalId } = await approve();
    expectProblem(await call('get', `/v1/approvals/${approvalId}/decision`, 'nord'), 404, 'approval-not-found');
    expectProblem(await call('get', `/v1/approvals/${approvalId}/decisions/1`, 'nord'), 404, 'approval-not-found');
    expect((await call('get', `/v1/approvals/${approvalId}/decision`, 'socialstyrelsen')).status).toBe(200);
    expectProblem(await call('get', '/v1/approvals/no-such-approval/decision', 'admin'), 404, 'approval-not-found');
  });

  it('serves the same decision as a printable HTML page by Accept, and 406 for what it cannot give', async () => {
    const { approvalId, evaluation } = await approve();
    const request = (await import('supertest')).default;
    const html = await request(svc.app).get(`/v1/approvals/${approvalId}/decision`).set('Authorization', 'Bearer test-inspector-midt-0123456789').set('Accept', 'text/html');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.headers.vary).toMatch(/Accept/);
    for (const text of ['Bostedet Lærkehøj', '29189846', 'Socialtilsyn Midt', 'Retsgrundlag', 'Klagevejledning', evaluation.rulesetHash, evaluation.evidenceHash, 'TST-SF-03', 'Illustrativ']) {
      expect(html.text).toContain(text);
    }
    const refused = await request(svc.app).get(`/v1/approvals/${approvalId}/decisions/1`).set('Authorization', 'Bearer test-inspector-midt-0123456789').set('Accept', 'application/pdf');
    expect(refused.status).toBe(406);
  });
});
