import type { Evidence } from '../../src/evidence/types';
import { addMonths } from '../../src/time/dates';
import { eligibleEvidence, ruleset } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';

/**
 * Periods and the sequence of decisions, through HTTP: when an approval may begin, which decision may follow
 * which, and that every refusal carries a code (and, for a field, its pointer) and names what will work. The
 * test rule set (in force from 2026-01-01): 48 months' validity, evidence current 12 months, a 6-month renewal
 * window, a re-check every 12 months. Today is 2026-10-01 unless a test moves the clock.
 */

let svc: TestService;
afterEach(async () => {
  await svc?.close();
});

const call = apiCaller(() => svc);
const PROBLEM = 'https://specialfunktion.dk/problems/';
const codeOf = (body: { type?: string }) => body.type?.slice(PROBLEM.length);
const at = (date: string) => svc.clock.set(`${date}T09:00:00Z`);

/** Evidence reported on `reportingDate` that meets the test rule set's specialfunktion then (nothing dated after it). */
function evidenceReportedOn(reportingDate: string): Evidence {
  const base = eligibleEvidence();
  return {
    ...base,
    reportingDate,
    staff: base.staff!.map((s) => ({ ...s, competences: s.competences?.map((c) => ({ ...c, obtainedOn: addMonths(reportingDate, -12) })) })),
    citizenCourses: { entries: [1, 2, 3].map((i) => ({ ref: `F-${i}`, startDate: addMonths(reportingDate, -i), targetGroup: 'voksne' })) },
  };
}

async function evaluation(reportingDate = '2026-09-01'): Promise<string> {
  const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: evidenceReportedOn(reportingDate) });
  expect(res.status).toBe(201);
  return res.body.id;
}

const approve = (evaluationId: string, extra: object = {}) =>
  call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'approved', reason: 'Opfylder kriterierne', ...extra });

type InvalidParam = { pointer: string; code: string; message: string };
const refusals = (body: { errors: InvalidParam[] }) => body.errors.map((e) => `${e.pointer} ${e.code}`);

describe('the period of an approval', () => {
  it('refuses a start before the rule set version came into force', async () => {
    svc = await startTestService({ rulesets: [ruleset({ effectiveFrom: '2026-09-15' })] });
    const res = await approve(await evaluation('2026-09-01'), { validFrom: '2026-09-10' });
    expect(res.status).toBe(422);
    expect(refusals(res.body)).toEqual(['/validFrom valid-from-before-rule-set']);
    expect(res.body.errors[0].message).toContain('2026-09-15');
    expect((await approve(await evaluation('2026-09-01'), { validFrom: '2026-09-15' })).status).toBe(201);
  });

  it("refuses a start before the evidence's reporting date", async () => {
    svc = await startTestService();
    const res = await approve(await evaluation('2026-09-01'), { validFrom: '2026-08-31' });
    expect(res.status).toBe(422);
    expect(refusals(res.body)).toEqual(['/validFrom valid-from-before-evidence']);
    expect(res.body.errors[0].message).toContain('2026-09-01');
  });

  it('refuses a start more than 3 months before the decision, and accepts one exactly 3 months before', async () => {
    svc = await startTestService();
    const evaluationId = await evaluation('2026-05-15');
    const early = await approve(evaluationId, { validFrom: '2026-06-30' });
    expect(early.status).toBe(422);
    expect(refusals(early.body)).toEqual(['/validFrom valid-from-too-early']);
    expect(early.body.errors[0].message).toContain('2026-07-01');
    const begun = await approve(evaluationId, { validFrom: '2026-07-01' });
    expect(begun.status).toBe(201);
    expect(begun.body).toMatchObject({ validFrom: '2026-07-01', validUntil: '2030-06-30' });
  });

  it('refuses a validUntil beyond the rule set, before the start, or in the past, each with its code', async () => {
    svc = await startTestService();
    const evaluationId = await evaluation();
    expect(refusals((await approve(evaluationId, { validUntil: '2030-10-01' })).body)).toEqual(['/validUntil validity-too-long']);
    expect(refusals((await approve(evaluationId, { validFrom: '2026-09-20', validUntil: '2026-09-19' })).body)).toEqual([
      '/validUntil valid-until-before-valid-from',
      '/validUntil valid-until-in-past',
    ]);
    expect(refusals((await approve(evaluationId, { validFrom: '2026-09-01', validUntil: '2026-09-30' })).body)).toEqual(['/validUntil valid-until-in-past']);
  });

  it('never sets the first re-check in the past, however far back the period begins', async () => {
    const monthly = ruleset();
    monthly.levels.specialfunktion.approvalPolicy = { ...monthly.levels.specialfunktion.approvalPolicy, recheckIntervalMonths: 1 };
    svc = await startTestService({ rulesets: [monthly] });
    const res = await approve(await evaluation('2026-07-15'), { validFrom: '2026-08-01' });
    expect(res.status).toBe(201);
    // A month after the start would be 2026-09-01, already past: the first re-check is today.
    expect(res.body.nextDueDate).toBe('2026-10-01');
  });
});

describe('the sequence of decisions', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('refuses a second approval in force, naming the approval, revoking it, and the day renewal opens', async () => {
    const first = await approve(await evaluation());
    expect(first.status).toBe(201);
    const second = await approve(await evaluation());
    expect(second.status).toBe(409);
    expect(codeOf(second.body)).toBe('approval-in-force');
    expect(second.body).toMatchObject({ approvalId: first.body.id, validUntil: '2030-09-30', renewalWindowOpensOn: '2030-03-30' });
    // The answer names the day the renewal window opens.
    expect(second.body.detail).toContain('2030-03-30');
  });

  it('refuses a renewal before the window opens, saying when it does', async () => {
    const first = await approve(await evaluation());
    at('2030-03-29');
    const res = await call('post', `/v1/approvals/${first.body.id}/renew`, 'midt', { evaluationId: await evaluation('2030-03-01') });
    expect(res.status).toBe(409);
    expect(codeOf(res.body)).toBe('renewal-window-closed');
    expect(res.body.renewalWindowOpensOn).toBe('2030-03-30');
    expect(res.body.detail).toContain('2030-03-30');
  });

  it('approve → revoke → approve: the new approval needs evidence reported after the revocation', async () => {
    const evaluationId = await evaluation('2026-09-01');
    const first = await approve(evaluationId);
    const revoked = await call('post', `/v1/approvals/${first.body.id}/revoke`, 'midt', { reason: 'Samarbejdsaftalen er ophørt' });
    expect(revoked.status).toBe(200);
    // The evaluation made before the revocation cannot undo it, nor can one of evidence reported that day.
    const undo = await approve(evaluationId);
    expect(undo.status).toBe(409);
    expect(codeOf(undo.body)).toBe('evidence-before-revocation');
    expect(undo.body).toMatchObject({ revokedOn: '2026-10-01', approvalId: first.body.id });
    expect(codeOf((await approve(await evaluation('2026-10-01'))).body)).toBe('evidence-before-revocation');
    at('2026-10-02');
    const renewed = await approve(await evaluation('2026-10-02'));
    expect(renewed.status).toBe(201);
    expect(renewed.body).toMatchObject({ status: 'active', validFrom: '2026-10-02' });
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
  });

  it('refuses to revoke or renew a revoked approval, or renew a rejection, each with its code', async () => {
    const first = await approve(await evaluation());
    await call('post', `/v1/approvals/${first.body.id}/revoke`, 'midt', { reason: 'Ophørt' });
    const again = await call('post', `/v1/approvals/${first.body.id}/revoke`, 'midt', { reason: 'Igen' });
    expect([again.status, codeOf(again.body)]).toEqual([409, 'approval-revoked']);
    const renew = await call('post', `/v1/approvals/${first.body.id}/renew`, 'midt', { evaluationId: await evaluation() });
    expect([renew.status, codeOf(renew.body)]).toEqual([409, 'approval-revoked']);
    const rejection = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluation(), decision: 'rejected', reason: 'Afslag' });
    const renewRejection = await call('post', `/v1/approvals/${rejection.body.id}/renew`, 'midt', { evaluationId: await evaluation() });
    expect([renewRejection.status, codeOf(renewRejection.body)]).toEqual([409, 'approval-rejected']);
  });

  it('expired → renewal refused (apply anew) → a new approval, before and after a batch run records the expiry', async () => {
    const first = await approve(await evaluation());
    // The day after validUntil, before any batch run: expired at once, though still stored as active.
    at('2030-10-01');
    expect((await call('get', `/v1/approvals/${first.body.id}`, 'midt')).body.status).toBe('active');
    const renew = await call('post', `/v1/approvals/${first.body.id}/renew`, 'midt', { evaluationId: await evaluation('2030-09-15') });
    expect(renew.status).toBe(409);
    expect(codeOf(renew.body)).toBe('approval-expired');
    expect(renew.body.detail).toContain('POST /v1/approvals');
    const revoke = await call('post', `/v1/approvals/${first.body.id}/revoke`, 'midt', { reason: 'For sent' });
    expect([revoke.status, codeOf(revoke.body)]).toEqual([409, 'approval-expired']);
    // The new approval is not blocked by the lapsed one, which is recorded as expired with it.
    const anew = await approve(await evaluation('2030-09-15'));
    expect(anew.status).toBe(201);
    const old = (await call('get', `/v1/approvals/${first.body.id}`, 'midt')).body;
    expect(old.status).toBe('expired');
    expect(old.history.at(-1)).toMatchObject({ type: 'status-change', toStatus: 'expired' });
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
  });

  it('refuses to renew an approval the batch has recorded as expired', async () => {
    const first = await approve(await evaluation());
    at('2030-10-01');
    expect((await svc.batch.run()).counts.expired).toBe(1);
    const renew = await call('post', `/v1/approvals/${first.body.id}/renew`, 'midt', { evaluationId: await evaluation('2030-09-15') });
    expect([renew.status, codeOf(renew.body)]).toEqual([409, 'approval-expired']);
    expect((await approve(await evaluation('2030-09-15'))).status).toBe(201);
  });

  it('codes the refusals of an ineligible evaluation, out-of-date evidence and a mismatched renewal', async () => {
    const notEligible = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: { ...evidenceReportedOn('2026-09-01'), agreements: [] } });
    const refused = await approve(notEligible.body.id);
    expect([refused.status, codeOf(refused.body)]).toEqual([409, 'not-eligible']);
    const old = await evaluation('2026-09-01');
    at('2027-09-02');
    const stale = await approve(old);
    expect([stale.status, codeOf(stale.body)]).toEqual([409, 'evidence-out-of-date']);
    const first = await approve(await evaluation('2027-09-01'));
    const otherProvider = await call('post', '/v1/evaluations', 'midt', {
      speciale: 'testspeciale',
      level: 'specialfunktion',
      evidence: { ...evidenceReportedOn('2027-09-01'), provider: { ...eligibleEvidence().provider, tilbudId: '4712' } },
    });
    at('2031-04-01');
    const mismatch = await call('post', `/v1/approvals/${first.body.id}/renew`, 'midt', { evaluationId: otherProvider.body.id });
    expect([mismatch.status, codeOf(mismatch.body)]).toEqual([409, 'evaluation-mismatch']);
  });
});
