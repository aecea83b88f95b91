import { ApprovalService } from '../../src/approvals/service';
import type { Evidence } from '../../src/evidence/types';
import { addMonths } from '../../src/time/dates';
import { eligibleEvidence, ruleset } from '../support/builders';
import { apiCaller, startTestService, type TestService, type Who } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/**
 * The rådgivningsfunktion is Socialstyrelsen's (seed 002, section 2): assigned after a tender, to a provider
 * with a specialfunktion in force for the same speciale, for the rule set's period (96 months in the test rule
 * set, as in the pilots); renewed and revoked by Socialstyrelsen; re-checked by Socialtilsynet; flagged for
 * Socialstyrelsen, never ended silently, when the specialfunktion under it ends. Today is 2026-10-01.
 */

let svc: TestService;
afterEach(async () => {
  await svc?.close();
});

const call = apiCaller(() => svc);
const PROBLEM = 'https://specialfunktion.dk/problems/';
const codeOf = (body: { type?: string }) => body.type?.slice(PROBLEM.length);
const at = (date: string) => svc.clock.set(`${date}T09:00:00Z`);
const TENDER = 'SST-UDBUD-2026-014';

/** Evidence reported on `reportingDate` that meets both levels of the test rule set then. */
function evidenceReportedOn(reportingDate: string): Evidence {
  const base = eligibleEvidence();
  return {
    ...base,
    reportingDate,
    staff: base.staff!.map((s) => ({ ...s, competences: s.competences?.map((c) => ({ ...c, obtainedOn: addMonths(reportingDate, -12) })) })),
    citizenCourses: { entries: [1, 2, 3].map((i) => ({ ref: `F-${i}`, startDate: addMonths(reportingDate, -i), targetGroup: 'voksne' })) },
    advisory: { outreach: true },
  };
}

async function evaluation(level: 'specialfunktion' | 'raadgivningsfunktion', who: Who, reportingDate = '2026-09-01'): Promise<string> {
  const res = await call('post', '/v1/evaluations', who, { speciale: 'testspeciale', level, evidence: evidenceReportedOn(reportingDate) });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function specialfunktion(reportingDate = '2026-09-01'): Promise<{ id: string }> {
  const res = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluation('specialfunktion', 'midt', reportingDate), decision: 'approved', reason: 'Opfylder kriterierne' });
  expect(res.status).toBe(201);
  return res.body;
}

const assign = async (evaluationId: string, extra: object = {}, who: Who = 'socialstyrelsen') =>
  call('post', '/v1/advisory-assignments', who, { evaluationId, tender: TENDER, reason: 'Tildelt efter udbud', ...extra });

type AuditItem = { seq: number; action: string; entityId: string; summary: Record<string, unknown> };
const audit = async (): Promise<AuditItem[]> => (await call('get', '/v1/audit?limit=200', 'admin')).body.items;

describe('assigning a rådgivningsfunktion', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('is done by Socialstyrelsen after a tender, for the rule set period of 96 months', async () => {
    await specialfunktion();
    const evaluationId = await evaluation('raadgivningsfunktion', 'socialstyrelsen');
    const res = await assign(evaluationId);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/approvals/${res.body.id}`);
    expect(res.body).toMatchObject({
      level: 'raadgivningsfunktion',
      decision: 'approved',
      status: 'active',
      tender: TENDER,
      validFrom: '2026-10-01',
      validUntil: '2034-09-30',
      nextDueDate: '2027-10-01',
      tilsyn: 'Midt',
      createdBy: 'analytiker@sst',
    });
    expect(res.body.history).toEqual([expect.objectContaining({ type: 'assignment', by: 'analytiker@sst', toStatus: 'active', details: expect.objectContaining({ tender: TENDER }) })]);
    const entry = (await audit()).find((e) => e.entityId === res.body.id)!;
    expect(entry).toMatchObject({ action: 'approval.assigned', summary: expect.objectContaining({ tender: TENDER }) });
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
  });

  it('refuses an inspector at that level: assigning, storing an evaluation, or approving one through POST /v1/approvals', async () => {
    await specialfunktion();
    const evaluationId = await evaluation('raadgivningsfunktion', 'socialstyrelsen');
    const byInspector = await assign(evaluationId, {}, 'midt');
    expect([byInspector.status, codeOf(byInspector.body)]).toEqual([403, 'advisory-decided-by-socialstyrelsen']);
    const stored = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'raadgivningsfunktion', evidence: evidenceReportedOn('2026-09-01') });
    expect([stored.status, codeOf(stored.body)]).toEqual([403, 'advisory-decided-by-socialstyrelsen']);
    // A dry run stays open to inspectors.
    const dryRun = await call('post', '/v1/evaluations?dryRun=true', 'midt', { speciale: 'testspeciale', level: 'raadgivningsfunktion', evidence: evidenceReportedOn('2026-09-01') });
    expect(dryRun.status).toBe(200);
    const approveAsInspector = await call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'approved', reason: 'x' });
    expect([approveAsInspector.status, codeOf(approveAsInspector.body)]).toEqual([403, 'advisory-decided-by-socialstyrelsen']);
    const approveAsAdmin = await call('post', '/v1/approvals', 'admin', { evaluationId, decision: 'approved', reason: 'x' });
    expect(approveAsAdmin.status).toBe(422);
    expect(approveAsAdmin.body.errors).toEqual([expect.objectContaining({ pointer: '/evaluationId', code: 'advisory-assigned-after-tender' })]);
    expect((await call('get', '/v1/approvals?level=raadgivningsfunktion', 'admin')).body.items).toEqual([]);
  });

  it('lets Socialstyrelsen store evaluations only at the rådgivningsfunktion level', async () => {
    const sf = await call('post', '/v1/evaluations', 'socialstyrelsen', { speciale: 'testspeciale', level: 'specialfunktion', evidence: evidenceReportedOn('2026-09-01') });
    expect([sf.status, codeOf(sf.body)]).toEqual([403, 'decided-by-socialtilsyn']);
    expect((await call('post', '/v1/evaluations', 'socialstyrelsen', { speciale: 'testspeciale', level: 'raadgivningsfunktion', evidence: evidenceReportedOn('2026-09-01') })).status).toBe(201);
  });

  it('requires the tender', async () => {
    await specialfunktion();
    const res = await call('post', '/v1/advisory-assignments', 'socialstyrelsen', { evaluationId: await evaluation('raadgivningsfunktion', 'socialstyrelsen'), reason: 'x' });
    expectProblem(res, 422, 'validation-failed', ['/tender required-property-missing']);
  });

  it('refuses a provider without a specialfunktion in force for the speciale', async () => {
    const res = await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'));
    expect([res.status, codeOf(res.body)]).toEqual([409, 'specialfunktion-not-in-force']);
    expect(res.body.detail).toContain('POST /v1/approvals');
  });

  it('refuses an evaluation at the specialfunktion level', async () => {
    await specialfunktion();
    const res = await assign(await evaluation('specialfunktion', 'admin'));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/evaluationId', code: 'evaluation-not-advisory-level' })]);
  });

  it('refuses a second rådgivningsfunktion in force, and one starting before the specialfunktion', async () => {
    await specialfunktion();
    expect((await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'), { validFrom: '2026-09-30' })).body.errors).toEqual([
      expect.objectContaining({ pointer: '/validFrom', code: 'valid-from-before-specialfunktion' }),
    ]);
    const first = await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'));
    expect(first.status).toBe(201);
    const second = await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'));
    expect([second.status, codeOf(second.body)]).toEqual([409, 'approval-in-force']);
    expect(second.body).toMatchObject({ approvalId: first.body.id, renewalWindowOpensOn: '2034-03-30' });
  });
});

describe('revoking, re-checking and renewing a rådgivningsfunktion', () => {
  it('is revoked by Socialstyrelsen, not by an inspector; a specialfunktion is revoked by the inspector, not by Socialstyrelsen', async () => {
    svc = await startTestService();
    const sf = await specialfunktion();
    const rf = (await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'))).body;
    const byInspector = await call('post', `/v1/approvals/${rf.id}/revoke`, 'midt', { reason: 'x' });
    expect([byInspector.status, codeOf(byInspector.body)]).toEqual([403, 'advisory-decided-by-socialstyrelsen']);
    const sstOnSf = await call('post', `/v1/approvals/${sf.id}/revoke`, 'socialstyrelsen', { reason: 'x' });
    expect([sstOnSf.status, codeOf(sstOnSf.body)]).toEqual([403, 'decided-by-socialtilsyn']);
    const revoked = await call('post', `/v1/approvals/${rf.id}/revoke`, 'socialstyrelsen', { reason: 'Rådgivningsforpligtelsen er ikke løftet' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', level: 'raadgivningsfunktion' });
    // The specialfunktion is untouched.
    expect((await call('get', `/v1/approvals/${sf.id}`, 'midt')).body.status).toBe('active');
  });

  it('is re-checked by Socialtilsynet like any approval', async () => {
    svc = await startTestService();
    await specialfunktion();
    const rf = (await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'))).body;
    const recheck = await call('post', `/v1/approvals/${rf.id}/recheck`, 'midt', { reason: 'Stikprøve' });
    expect(recheck.status).toBe(200);
    expect(recheck.body.outcome).toBe('compliant');
  });

  it('is flagged for Socialstyrelsen, not ended, when the specialfunktion is revoked: in the same transaction, and the record verifies', async () => {
    svc = await startTestService();
    const sf = await specialfunktion();
    const rf = (await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'))).body;
    const revoked = await call('post', `/v1/approvals/${sf.id}/revoke`, 'midt', { reason: 'Kriterierne er ikke længere opfyldt' });
    expect(revoked.status).toBe(200);
    const flagged = (await call('get', `/v1/approvals/${rf.id}`, 'socialstyrelsen')).body;
    expect(flagged).toMatchObject({ status: 'active', version: 2, flags: [{ code: 'specialfunktion-ended', approvalId: sf.id, cause: 'revoked', endedOn: '2026-10-01' }] });
    expect(flagged.history.at(-1)).toMatchObject({ type: 'flag', details: expect.objectContaining({ flag: 'specialfunktion-ended', approvalId: sf.id }) });
    const entries = await audit();
    const revocation = entries.find((e) => e.action === 'approval.revoked' && e.entityId === sf.id)!;
    const flag = entries.find((e) => e.action === 'approval.flagged' && e.entityId === rf.id)!;
    expect(flag.seq).toBe(revocation.seq + 1);
    expect(flag.summary).toMatchObject({ flag: 'specialfunktion-ended', specialfunktionApprovalId: sf.id, cause: 'revoked' });
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
    // Socialstyrelsen finds it at the top of its worklist, after anything at risk.
    const worklist = (await call('get', '/v1/worklist', 'socialstyrelsen')).body;
    expect(worklist.items[0]).toMatchObject({ kind: 'specialfunktion-ended', approvalId: rf.id, level: 'raadgivningsfunktion', details: { specialfunktionId: sf.id, cause: 'revoked' } });
    expect(worklist.counts['specialfunktion-ended']).toBe(1);
  });

  it('is not flagged by a revocation that is refused, and is flagged still when it changed while the revocation was under way', async () => {
    svc = await startTestService();
    const sf = await specialfunktion();
    const rf = (await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'))).body;
    const stale = await call('post', `/v1/approvals/${sf.id}/revoke`, 'midt', { reason: 'x', expectedVersion: 7 });
    expect([stale.status, codeOf(stale.body)]).toEqual([409, 'approval-changed']);
    expect((await call('get', `/v1/approvals/${rf.id}`, 'admin')).body.flags).toBeUndefined();

    // A re-check of the rådgivningsfunktion commits between the revocation's reading of it and its commit.
    let raced = false;
    const racing = new Proxy(svc.store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'commitAll') {
          return async (changes: Parameters<typeof target.commitAll>[0]) => {
            if (!raced) {
              raced = true;
              await svc.rechecker.recheck(rf.id, 'manual', { by: 'inspektoer@midt', reason: 'Samtidig genvurdering' });
            }
            return target.commitAll(changes);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const here = new ApprovalService({ store: racing, rules: svc.rules, clock: svc.clock });
    await here.revoke({ subject: 'inspektoer@midt', role: 'inspector', tilsyn: 'Midt' }, sf.id, { reason: 'Ophørt' });
    expect(raced).toBe(true);
    const flagged = (await call('get', `/v1/approvals/${rf.id}`, 'admin')).body;
    expect(flagged.history.map((h: { type: string }) => h.type)).toEqual(['assignment', 'recheck', 'flag']);
    expect(flagged.flags).toEqual([expect.objectContaining({ approvalId: sf.id, cause: 'revoked' })]);
    const actions = (await audit()).map((e) => e.action);
    expect(actions.filter((a) => a === 'approval.revoked')).toHaveLength(1);
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
  });

  it('is flagged when the specialfunktion expires in a batch run, and stays in force', async () => {
    // A rådgivningsfunktion re-checked every 60 months, so the batch's only business on the day is the expiry.
    const rules = ruleset();
    rules.levels.raadgivningsfunktion.approvalPolicy = { ...rules.levels.raadgivningsfunktion.approvalPolicy, recheckIntervalMonths: 60 };
    svc = await startTestService({ rulesets: [rules] });
    const sf = await specialfunktion();
    const rf = (await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'))).body;
    at('2030-10-01');
    const run = await svc.batch.run();
    expect(run.counts.expired).toBe(1);
    expect((await call('get', `/v1/approvals/${sf.id}`, 'admin')).body.status).toBe('expired');
    const flagged = (await call('get', `/v1/approvals/${rf.id}`, 'admin')).body;
    expect(flagged.flags).toEqual([expect.objectContaining({ code: 'specialfunktion-ended', approvalId: sf.id, cause: 'expired', endedOn: '2030-10-01' })]);
    expect(flagged.status).toBe('active');
    // A second run flags nothing again.
    await svc.batch.run();
    expect((await call('get', `/v1/approvals/${rf.id}`, 'admin')).body.flags).toHaveLength(1);
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
  });

  it('is renewed by Socialstyrelsen only while the specialfunktion is in force, naming the new tender; the flag is cleared', async () => {
    // The rådgivningsfunktion's renewal window is its whole period here, so the sequence fits in days.
    const rules = ruleset();
    rules.levels.raadgivningsfunktion.approvalPolicy = { ...rules.levels.raadgivningsfunktion.approvalPolicy, renewalWindowMonths: 96 };
    svc = await startTestService({ rulesets: [rules] });
    const sf = await specialfunktion();
    const rf = (await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'))).body;
    await call('post', `/v1/approvals/${sf.id}/revoke`, 'midt', { reason: 'Ophørt' });
    at('2026-10-02');
    const renewal = { evaluationId: await evaluation('raadgivningsfunktion', 'socialstyrelsen', '2026-10-02'), tender: 'SST-UDBUD-2026-020', reason: 'Fornyet' };
    const withoutSf = await call('post', `/v1/approvals/${rf.id}/renew`, 'socialstyrelsen', renewal);
    expect([withoutSf.status, codeOf(withoutSf.body)]).toEqual([409, 'specialfunktion-not-in-force']);
    const byInspector = await call('post', `/v1/approvals/${rf.id}/renew`, 'midt', renewal);
    expect([byInspector.status, codeOf(byInspector.body)]).toEqual([403, 'advisory-decided-by-socialstyrelsen']);
    await specialfunktion('2026-10-02');
    const renewed = await call('post', `/v1/approvals/${rf.id}/renew`, 'socialstyrelsen', renewal);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ status: 'active', tender: 'SST-UDBUD-2026-020', validUntil: '2042-09-30' });
    expect(renewed.body.flags).toBeUndefined();
    expect(renewed.body.history.at(-1)).toMatchObject({ type: 'renewal', details: expect.objectContaining({ tender: 'SST-UDBUD-2026-020' }) });
    // A tender belongs to a rådgivningsfunktion only.
    const sfNow = (await call('get', '/v1/approvals?level=specialfunktion&status=active', 'midt')).body.items[0];
    const tenderOnSf = await call('post', `/v1/approvals/${sfNow.id}/renew`, 'midt', { evaluationId: await evaluation('specialfunktion', 'midt', '2026-10-02'), tender: 'X' });
    expect(tenderOnSf.status).toBe(422);
    expect(tenderOnSf.body.errors).toEqual([expect.objectContaining({ pointer: '/tender', code: 'tender-only-for-advisory' })]);
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
  });
});

describe('the register and capacity', () => {
  it('show both levels', async () => {
    svc = await startTestService();
    await specialfunktion();
    await assign(await evaluation('raadgivningsfunktion', 'socialstyrelsen'));
    const register = await call('get', '/v1/register', 'socialstyrelsen');
    expect(register.status).toBe(200);
    const items = register.body.items as { level: string; tilbudId: string }[];
    expect(items.map((e) => `${e.tilbudId} ${e.level}`).sort()).toEqual(['4711 raadgivningsfunktion', '4711 specialfunktion']);
    const capacity = await call('get', '/v1/capacity', 'socialstyrelsen');
    for (const level of ['specialfunktion', 'raadgivningsfunktion']) {
      const row = capacity.body.rows.find((r: { level: string }) => r.level === level);
      expect(row.regions.find((c: { region: string }) => c.region === 'Midtjylland')).toMatchObject({ active: 1 });
    }
  });
});
