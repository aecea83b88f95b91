import request from 'supertest';
import { BATCH_SUBJECT, RecheckBatch, BatchBusyError } from '../../src/approvals/batch';
import { Rechecker } from '../../src/approvals/recheck';
import { StoreUnavailableError } from '../../src/store/errors';
import type { ApprovalRecord, RecordStore } from '../../src/approvals/records';
import type { Evidence } from '../../src/evidence/types';
import type { Ruleset } from '../../src/rules/types';
import { addMonths } from '../../src/time/dates';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence, ruleset } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';
import { seedApproval } from '../support/seed';

/**
 * Time-limited approvals kept true, walked through years with a manual clock: scheduled re-checks,
 * overdue evidence, at-risk, expiry, the renewal window and a new rule version with a transition period.
 */

/** Version 1.1.0 from 2027-07-01 demands 5 citizen courses in 12 months instead of 3. */
function stricterVersion(): Ruleset {
  const r = ruleset({ version: '1.1.0', effectiveFrom: '2027-07-01' });
  const volume = r.levels.specialfunktion.requirements.find((q) => q.id === 'TST-SF-03')!;
  volume.conditions = { all: [{ fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator: 'greaterThanInclusive', value: 5 }] };
  return r;
}

/** Evidence reported on `reportingDate` that meets 1.0.0 on that date, with `courses` courses in the preceding months. */
function freshEvidence(reportingDate: string, courses = 3): Evidence {
  const base = eligibleEvidence();
  return {
    ...base,
    reportingDate,
    staff: base.staff!.map((s) => ({ ...s, competences: s.competences?.map((c) => ({ ...c, obtainedOn: addMonths(reportingDate, -12) })) })),
    citizenCourses: { entries: Array.from({ length: courses }, (_, i) => ({ ref: `F-${i}`, startDate: addMonths(reportingDate, -(i + 1)), targetGroup: 'voksne' })) },
  };
}

let svc: TestService;
afterEach(async () => {
  await svc?.close();
});

async function approve(validUntil?: string): Promise<string> {
  const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(ev.status).toBe(201);
  const ap = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: ev.body.id, decision: 'approved', reason: 'ok', ...(validUntil ? { validUntil } : {}) });
  expect(ap.status).toBe(201);
  return ap.body.id;
}

const approval = async (id: string) => (await svc.store.getApproval(id))!;
/** The same approval as another provider's (one provider has one approval in force per speciale and level). */
const copyOf = (template: ApprovalRecord, id: string): ApprovalRecord => ({ ...template, id, provider: { ...template.provider, tilbudId: `${template.provider.tilbudId}-${id}` } });
const at = (date: string) => svc.clock.set(`${date}T06:00:00Z`);
const rechecks = async (id: string) => (await approval(id)).history.filter((h) => h.type === 'recheck');

describe('scheduled re-checks', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('re-checks on the due date, not before, and only once per due date', async () => {
    const id = await approve();
    expect((await approval(id)).nextDueDate).toBe('2027-10-01');
    at('2027-09-30');
    expect((await svc.batch.run()).counts).toMatchObject({ compliant: 0, 'at-risk': 0, 'evidence-overdue': 0, expired: 0 });
    at('2027-10-01');
    const run = await svc.batch.run();
    expect(run.status).toBe('finished');
    expect(run.counts['evidence-overdue']).toBe(1);
    const again = await svc.batch.run();
    expect(again.counts['evidence-overdue']).toBe(0);
    expect(await rechecks(id)).toHaveLength(1);
  });

  it('marks evidence older than the rule set allows as overdue and asks for new evidence', async () => {
    const id = await approve();
    at('2027-10-01');
    await svc.batch.run();
    const a = await approval(id);
    expect(a.status).toBe('evidence-overdue');
    expect(a.decision).toBe('approved');
    expect(a.history.at(-1)).toMatchObject({ type: 'recheck', by: 'system:recheck', fromStatus: 'active', toStatus: 'evidence-overdue', details: { trigger: 'schedule', evidenceRequested: true } });
    expect(a.nextDueDate).toBe('2028-10-01');
  });

  it('returns to compliant when fresh evidence arrives, with the next due date a re-check interval away', async () => {
    const id = await approve();
    at('2027-10-01');
    await svc.batch.run();
    at('2027-10-20');
    const res = await request(svc.app).post(`/v1/approvals/${id}/evidence`).set('Authorization', bearer('midt')).send({ evidence: freshEvidence('2027-10-15') });
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('compliant');
    expect(res.body.approval).toMatchObject({ status: 'active', nextDueDate: '2028-10-20' });
  });

  it('puts an approval at risk when a required requirement fails, with a deadline and the unmet requirements, and revokes nothing', async () => {
    const id = await approve();
    at('2027-03-01');
    const res = await request(svc.app).post(`/v1/approvals/${id}/evidence`).set('Authorization', bearer('midt')).send({ evidence: { ...freshEvidence('2027-02-20'), agreements: [] } });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('at-risk');
    const a = await approval(id);
    expect(a.status).toBe('at-risk');
    expect(a.history.at(-1)!.details).toMatchObject({ unmetRequirements: ['TST-SF-04'], inspectorDeadline: '2027-04-30', recommendation: expect.stringContaining('tilbagekald') });
  });

  it('expires an approval past its validity without renewal', async () => {
    const id = await approve('2027-03-31');
    at('2027-03-31');
    await svc.batch.run();
    expect((await approval(id)).status).not.toBe('expired');
    at('2027-04-01');
    const run = await svc.batch.run();
    expect(run.counts.expired).toBe(1);
    expect((await approval(id)).status).toBe('expired');
  });

  it('re-checks when the renewal window opens', async () => {
    const id = await approve('2027-08-31');
    // Validity ends 2027-08-31; the window opens six months before.
    at('2027-02-27');
    expect((await svc.batch.run()).examined).toBe(1);
    expect(await rechecks(id)).toHaveLength(0);
    at('2027-02-28');
    await svc.batch.run();
    expect((await rechecks(id)).map((h) => h.details?.trigger)).toEqual(['renewal-window']);
    at('2027-03-15');
    await svc.batch.run();
    expect(await rechecks(id)).toHaveLength(1);
  });

  it('re-checks on demand and when the provider reports a capacity change', async () => {
    const id = await approve();
    const manual = await request(svc.app).post(`/v1/approvals/${id}/recheck`).set('Authorization', bearer('midt')).send({});
    expectResponseMatchesSpec(manual);
    expect(manual.status).toBe(200);
    const change = await request(svc.app)
      .post('/v1/providers/4711/capacity-changes')
      .set('Authorization', bearer('midt'))
      .send({ change: 'places', effectiveFrom: '2026-11-01', description: 'Udvidelse fra 24 til 30 pladser' });
    expectResponseMatchesSpec(change);
    expect(change.status).toBe(201);
    expect(change.body.rechecks).toEqual([{ approvalId: id, outcome: 'compliant', evaluationId: expect.any(String) }]);
    const triggers = (await rechecks(id)).map((h) => h.details?.trigger);
    expect(triggers).toEqual(['manual', 'capacity-change']);
    expect((await approval(id)).history.at(-1)!.details).toMatchObject({ change: 'places', effectiveFrom: '2026-11-01' });
  });
});

describe('a new rule set version', () => {
  beforeEach(async () => {
    svc = await startTestService({ rulesets: [ruleset(), stricterVersion()] });
  });

  it('re-checks approvals made under the old version and shows tightened requirements as warnings during the transition', async () => {
    const id = await approve();
    at('2027-07-01');
    // Fresh evidence with 4 courses: enough for 1.0.0 (3), not for 1.1.0 (5).
    await request(svc.app).post(`/v1/approvals/${id}/evidence`).set('Authorization', bearer('midt')).send({ evidence: freshEvidence('2027-06-30', 4) });
    let a = await approval(id);
    expect(a.status).toBe('active');
    expect(a.history.at(-1)!.details).toMatchObject({ rulesetVersion: '1.1.0', outcome: 'compliant', transitionalWarnings: ['TST-SF-03'] });
    // The version change is already checked: a batch the same day does nothing more.
    await svc.batch.run();
    expect(await rechecks(id)).toHaveLength(1);

    // After the transition (12 months from 2027-07-01) the tightened requirement counts.
    at('2028-07-01');
    const res = await request(svc.app).post(`/v1/approvals/${id}/evidence`).set('Authorization', bearer('midt')).send({ evidence: freshEvidence('2028-06-30', 4) });
    expect(res.body.outcome).toBe('at-risk');
    a = await approval(id);
    expect(a.history.at(-1)!.details).toMatchObject({ unmetRequirements: ['TST-SF-03'] });
  });

  it('does not give back a transition that has ended when a later version comes into force', async () => {
    // 1.2.0 from 2029-01-01 tightens TST-SF-02 (competence FTE); 1.1.0's tightening of TST-SF-03 ended 2028-06-30.
    const third = stricterVersion();
    Object.assign(third, { version: '1.2.0', effectiveFrom: '2029-01-01' });
    const competence = third.levels.specialfunktion.requirements.find((q) => q.id === 'TST-SF-02')!;
    competence.conditions = { all: [{ fact: 'fteWithCompetence', params: { competence: 'autismespecifikke-metoder', withinYears: 5 }, operator: 'greaterThanInclusive', value: 2.5 }] };
    await svc.close();
    svc = await startTestService({ rulesets: [ruleset(), stricterVersion(), third] });
    const id = await approve();
    at('2029-02-01');
    const res = await request(svc.app).post(`/v1/approvals/${id}/evidence`).set('Authorization', bearer('midt')).send({ evidence: freshEvidence('2029-01-15', 4) });
    expect(res.body.outcome).toBe('at-risk');
    expect((await approval(id)).history.at(-1)!.details).toMatchObject({ rulesetVersion: '1.2.0', unmetRequirements: ['TST-SF-03'], transitionalWarnings: ['TST-SF-02'] });
  });

  it('has the batch re-check approvals when the new version comes into force', async () => {
    const id = await approve();
    at('2027-06-30');
    await svc.batch.run();
    expect(await rechecks(id)).toHaveLength(0);
    at('2027-07-01');
    await svc.batch.run();
    expect((await rechecks(id)).map((h) => [h.details?.trigger, h.details?.rulesetVersion])).toEqual([['rule-change', '1.1.0']]);
  });
});

describe('batch runs', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('lets only one instance run a batch at a time, and a dead holder’s lease expires', async () => {
    const other = new RecheckBatch({ store: svc.store, rules: svc.rules, clock: svc.clock, rechecker: svc.rechecker, holder: 'other-instance', leaseTtlMs: 60_000 });
    const run = await svc.batch.begin();
    await expect(other.begin()).rejects.toBeInstanceOf(BatchBusyError);
    // The holder dies without releasing; a minute later its lease has expired.
    svc.clock.advanceDays(1);
    const taken = await other.begin();
    expect(taken.holder).toMatch(/^other-instance\//);
    const stale = await svc.store.getDocument('recheckRuns', run.id);
    expect(stale).toMatchObject({ status: 'interrupted' });
  });

  /** A store whose commits fail: the process dying before its re-checks were committed. */
  const diesBeforeCommit = () =>
    new Proxy(svc.store, {
      get(target, property) {
        if (property === 'commit' || property === 'commitMany') return () => Promise.reject(new Error('killed'));
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as RecordStore;
  /** A killed run's lease stands until its TTL (60 s) has passed. */
  const leaseRunsOut = () => svc.clock.set(new Date(svc.clock.now().getTime() + 61_000));
  const otherInstance = (overrides: Partial<ConstructorParameters<typeof RecheckBatch>[0]> = {}) =>
    new RecheckBatch({ store: svc.store, rules: svc.rules, clock: svc.clock, rechecker: svc.rechecker, holder: 'other-instance', ...overrides });
  const auditedFor = async (id: string, action: string) => (await svc.store.listAudit({ limit: 1000 })).filter((e) => e.action === action && e.entityId === id);

  it('a run killed before its re-checks were committed leaves no trace of them; the next run re-checks each once, with its entry', async () => {
    const id = await approve();
    at('2027-10-01');
    const dueKey = `${id}:schedule:2027-10-01`;
    const dying = new Rechecker({ store: diesBeforeCommit(), rules: svc.rules, clock: svc.clock });
    const killed = await otherInstance({ store: diesBeforeCommit(), rechecker: dying }).run().catch(() => undefined);
    expect(killed?.status ?? 'failed').toBe('failed');
    expect(await rechecks(id)).toHaveLength(0);
    expect(await auditedFor(id, 'approval.rechecked')).toHaveLength(0);
    expect(await svc.store.getDocument('rechecks', dueKey)).toBeNull();

    const next = await svc.batch.run();
    expect(next).toMatchObject({ status: 'finished', counts: { 'evidence-overdue': 1, skipped: 0 } });
    const saved = await rechecks(id);
    expect(saved).toHaveLength(1);
    const entries = await auditedFor(id, 'approval.rechecked');
    expect(entries).toHaveLength(1);
    expect(entries[0].summary).toMatchObject({ evaluationId: saved[0].evaluationId, trigger: 'schedule' });
    expect(await svc.store.getDocument('rechecks', dueKey)).toMatchObject({ runId: next.id, approvalId: id });
    expect(await svc.store.getEvaluation(saved[0].evaluationId!)).toMatchObject({ approvalId: id, trigger: 'schedule' });

    expect((await svc.batch.run()).counts).toMatchObject({ 'evidence-overdue': 0 });
    expect(await auditedFor(id, 'approval.rechecked')).toHaveLength(1);
    expect(await svc.store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('re-checks a due occasion once when two runs find it due at the same time', async () => {
    const id = await approve();
    at('2027-10-01');
    const dueKey = `${id}:schedule:2027-10-01`;
    const outcomes = await Promise.all([
      svc.rechecker.recheck(id, 'schedule', { by: BATCH_SUBJECT, dueKey }),
      new Rechecker({ store: svc.store, rules: svc.rules, clock: svc.clock }).recheck(id, 'schedule', { by: BATCH_SUBJECT, dueKey }),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['evidence-overdue', 'skipped']);
    expect(await rechecks(id)).toHaveLength(1);
    expect(await auditedFor(id, 'approval.rechecked')).toHaveLength(1);
  });

  it('stops between two approvals at shutdown, records the run as interrupted and frees the lease; the next run does the rest', async () => {
    const template = await approval(await approve());
    const ids = [template.id];
    for (const id of ['copy-1', 'copy-2']) {
      await seedApproval(svc.store, copyOf(template, id));
      ids.push(id);
    }
    at('2027-10-01');
    const run = await svc.batch.begin();
    const executing = svc.batch.execute(run);
    await svc.batch.stop();
    const stopped = await executing;
    expect(stopped.status).toBe('interrupted');
    expect(stopped.examined).toBeLessThan(ids.length);
    expect(await svc.store.getDocument('recheckRuns', run.id)).toMatchObject({ status: 'interrupted' });
    await expect(svc.batch.begin()).rejects.toBeInstanceOf(BatchBusyError);
    // No lease to wait out: another instance goes on at once and re-checks every approval once.
    const next = await otherInstance().run();
    expect(next).toMatchObject({ status: 'finished' });
    for (const id of ids) expect(await rechecks(id)).toHaveLength(1);
  });

  it('frees the lease even when the run record cannot be written at the end', async () => {
    const failsFinalRecord = new Proxy(svc.store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'putRun') {
          return (doc: { id: string; status?: string }) => (doc.status !== 'running' ? Promise.reject(new Error('disk full')) : target.putRun(doc));
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as RecordStore;
    const failing = otherInstance({ store: failsFinalRecord, holder: 'failing-instance' });
    await expect(failing.run()).rejects.toThrow('disk full');
    expect(await otherInstance().run()).toMatchObject({ status: 'finished' });
  });

  it('lists the first 100 failures of a run and counts them all, and stops at once when the store is gone', async () => {
    const template = await approval(await approve());
    for (let i = 0; i < 104; i++) await seedApproval(svc.store, copyOf(template, `copy-${String(i).padStart(3, '0')}`));
    at('2027-10-01');
    const noEvidence = { plan: () => Promise.reject(new Error('no evidence')) } as unknown as Rechecker;
    const run = await otherInstance({ rechecker: noEvidence }).run();
    expect(run).toMatchObject({ status: 'finished', failureCount: 105 });
    expect(run.failures).toHaveLength(100);
    expect((await request(svc.app).get(`/v1/rechecks/runs/${run.id}`).set('Authorization', bearer('admin'))).body.failures).toHaveLength(100);

    const storeGone = { plan: () => Promise.reject(new StoreUnavailableError('the store does not answer')) } as unknown as Rechecker;
    const aborted = await otherInstance({ rechecker: storeGone }).run();
    expect(aborted).toMatchObject({ status: 'failed', examined: 1, failureCount: 1, failures: [{ approvalId: '-', message: 'the store does not answer' }] });
  });

  it('is started over HTTP and reports counts per outcome', async () => {
    await approve();
    at('2027-10-01');
    const started = await request(svc.app).post('/v1/rechecks/runs').set('Authorization', bearer('admin'));
    expectResponseMatchesSpec(started);
    expect(started.status).toBe(202);
    let run;
    for (let i = 0; i < 50; i++) {
      run = await request(svc.app).get(started.headers.location).set('Authorization', bearer('admin'));
      if (run.body.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expectResponseMatchesSpec(run!);
    expect(run!.body).toMatchObject({ status: 'finished', counts: { 'evidence-overdue': 1 }, failures: [] });
    expect((await request(svc.app).post('/v1/rechecks/runs').set('Authorization', bearer('midt'))).status).toBe(403);
  });
});
