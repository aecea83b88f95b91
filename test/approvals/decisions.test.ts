import type { Evidence } from '../../src/evidence/types';
import { addMonths } from '../../src/time/dates';
import { eligibleEvidence, VALID_CVR } from '../support/builders';
import { seedApproval } from '../support/seed';
import { approval, provider } from '../store/support/fixtures';
import { apiCaller, startTestService, type TestService, type Who } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/**
 * What an inspector's decision and renewal rest on: evidence current on the day of the decision, a
 * validity period that is in force, renewal only once the renewal window is open, and a re-check after a
 * renewal that looks at the renewal's evidence. The test rule set: 48 months' validity, evidence at most
 * 12 months old, a 6-month renewal window, a re-check every 12 months.
 */

let svc: TestService;
beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);

/** Evidence reported on `reportingDate` that meets the test rule set then. */
function evidenceReportedOn(reportingDate: string): Evidence {
  const base = eligibleEvidence();
  return {
    ...base,
    reportingDate,
    staff: base.staff!.map((s) => ({ ...s, competences: s.competences?.map((c) => ({ ...c, obtainedOn: addMonths(reportingDate, -12) })) })),
    citizenCourses: { entries: [1, 2, 3].map((i) => ({ ref: `F-${i}`, startDate: addMonths(reportingDate, -i), targetGroup: 'voksne' })) },
  };
}

async function evaluation(evidence: Evidence = eligibleEvidence(), who: Who = 'midt'): Promise<string> {
  const res = await call('post', '/v1/evaluations', who, { speciale: 'testspeciale', level: 'specialfunktion', evidence });
  expect(res.status).toBe(201);
  return res.body.id;
}

const approve = (evaluationId: string, extra: object = {}) => call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'approved', reason: 'Opfylder kriterierne', ...extra });

describe('deciding', () => {
  it('refuses to approve on evidence that has gone out of date since it was evaluated, saying until when it was current', async () => {
    const evaluationId = await evaluation(); // reported 2026-09-01, evaluated 2026-10-01
    svc.clock.set('2027-09-02T09:00:00Z');
    const res = await approve(evaluationId);
    expectProblem(res, 409, 'evidence-out-of-date');
    expect(res.body.evidenceCurrentThrough).toBe('2027-09-01');
    expect((await call('get', '/v1/approvals', 'admin')).body.items).toEqual([]);
    svc.clock.set('2027-09-01T09:00:00Z');
    expect((await approve(evaluationId)).status).toBe(201);
  });

  it('refuses a period that starts after the evidence has gone out of date, or more than a year ahead, without failing', async () => {
    const evaluationId = await evaluation();
    const late = await approve(evaluationId, { validFrom: '2027-09-02' });
    expect(late.status).toBe(422);
    expect(late.body.errors).toEqual([{ pointer: '/validFrom', code: 'valid-from-after-evidence-current', message: expect.stringContaining('2027-09-01') }]);
    const farAhead = await approve(evaluationId, { validFrom: '9999-06-01' });
    expect(farAhead.status).toBe(422);
    expect(farAhead.body.errors).toEqual([
      { pointer: '/validFrom', code: 'valid-from-too-late', message: expect.stringContaining('2027-10-01') },
      { pointer: '/validFrom', code: 'valid-from-after-evidence-current', message: expect.stringContaining('2027-09-01') },
    ]);
    const rejection = await call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'rejected', reason: 'x', validFrom: '9999-06-01' });
    expect(rejection.status).toBe(422);
    expect((await call('get', '/v1/approvals', 'admin')).body.items).toEqual([]);
  });

  it('refuses an approval whose whole period lies in the past, and accepts one that began earlier and is still running', async () => {
    const evaluationId = await evaluation();
    const past = await approve(evaluationId, { validFrom: '2020-01-01' });
    expect(past.status).toBe(422);
    // Before the rule set (2026-01-01) and the evidence (2026-09-01), more than 3 months back, and over before today.
    expect(past.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`)).toEqual([
      '/validFrom valid-from-before-rule-set',
      '/validFrom valid-from-before-evidence',
      '/validFrom valid-from-too-early',
      '/validUntil valid-until-in-past',
    ]);
    expect(past.body.errors[3].message).toContain('2026-10-01');
    const begun = await approve(evaluationId, { validFrom: '2026-09-01' });
    expect(begun.status).toBe(201);
    expect(begun.body).toMatchObject({ validFrom: '2026-09-01', validUntil: '2030-08-31' });
  });

  it("names the approval in force only to someone who may see it: another tilsyn's inspector learns that there is one, not which", async () => {
    // Evidence can no longer place a registered provider under another tilsyn (provider-mismatch, test/http/providers.test.ts);
    // an approval of another tilsyn for the same provider is one stored before the provider register existed.
    const nordApproval = approval({
      provider: provider({ tilbudId: eligibleEvidence().provider.tilbudId, cvr: VALID_CVR, kommunekode: '851', region: 'Nordjylland', tilsyn: 'Nord' }),
      tilsyn: 'Nord',
      speciale: 'testspeciale',
      createdAt: '2026-09-01T09:00:00.000Z',
    });
    await seedApproval(svc.store, nordApproval);
    const res = await approve(await evaluation());
    expectProblem(res, 409, 'approval-in-force');
    expect(res.body.approvalId).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain(nordApproval.id);
    const admin = await call('post', '/v1/approvals', 'admin', { evaluationId: await evaluation(), decision: 'approved', reason: 'ok' });
    expect(admin.body.approvalId).toBe(nordApproval.id);
  });
});

describe('renewing', () => {
  it('is possible only once the renewal window before the end has opened', async () => {
    const approval = (await approve(await evaluation())).body; // valid until 2030-09-30; window opens 2030-03-30
    svc.clock.set('2030-03-29T09:00:00Z');
    const early = await call('post', `/v1/approvals/${approval.id}/renew`, 'midt', { evaluationId: await evaluation(evidenceReportedOn('2030-03-01')) });
    expectProblem(early, 409, 'renewal-window-closed');
    expect(early.body.renewalWindowOpensOn).toBe('2030-03-30');
    svc.clock.set('2030-03-30T09:00:00Z');
    const inWindow = await call('post', `/v1/approvals/${approval.id}/renew`, 'midt', { evaluationId: await evaluation(evidenceReportedOn('2030-03-01')) });
    expect(inWindow.status).toBe(200);
    expect(inWindow.body.validUntil).toBe('2034-09-30');
  });

  it('refuses to renew on evidence that is out of date today, however eligible it was when evaluated', async () => {
    const approval = (await approve(await evaluation())).body;
    svc.clock.set('2030-05-01T09:00:00Z');
    const res = await call('post', `/v1/approvals/${approval.id}/renew`, 'midt', { evaluationId: approval.evaluationId });
    expectProblem(res, 409, 'evidence-out-of-date');
    expect(res.body.evidenceCurrentThrough).toBe('2027-09-01');
    expect((await call('get', `/v1/approvals/${approval.id}`, 'midt')).body.version).toBe(1);
  });

  it("re-checks a renewed approval on the renewal's evidence, not on the evidence of an earlier re-check", async () => {
    const approval = (await approve(await evaluation())).body;
    svc.clock.set('2027-10-01T09:00:00Z');
    const recheck = await call('post', `/v1/approvals/${approval.id}/evidence`, 'midt', { evidence: evidenceReportedOn('2027-09-15') });
    expect(recheck.status).toBe(200);
    svc.clock.set('2030-05-01T09:00:00Z');
    const renewal = await call('post', `/v1/approvals/${approval.id}/renew`, 'midt', { evaluationId: await evaluation(evidenceReportedOn('2030-04-20')) });
    expect(renewal.status).toBe(200);
    svc.clock.set('2030-06-01T09:00:00Z');
    const after = await call('post', `/v1/approvals/${approval.id}/recheck`, 'midt', { reason: 'Stikprøve' });
    expect(after.status).toBe(200);
    expect(after.body.outcome).toBe('compliant');
    const used = await call('get', `/v1/evaluations/${after.body.evaluationId}`, 'midt');
    expect(used.body.result.evidence.reportingDate).toBe('2030-04-20');
  });
});
