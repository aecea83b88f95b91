/**
 * Issue 12, point 1: evidence describes the provider on its reporting date. Dates after it, a reporting date
 * after today or after the evaluation date, and a stored evaluation's version not in force on its date are
 * refused with a code and a pointer; every window counts back from the reporting date.
 */
import type { Evidence } from '../../src/evidence/types';
import { eligibleEvidence, ruleset, staff } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';

let svc: TestService;
afterEach(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);
const PROBLEMS = 'https://specialfunktion.dk/problems/';

const body = (evidence: Evidence, extra: Record<string, unknown> = {}) => ({ speciale: 'testspeciale', level: 'specialfunktion', evidence, ...extra });

/** The eligible evidence (reported 2026-09-01) with one more entry of each dated kind, all on the reporting date. */
function dated(): Evidence {
  const ev = eligibleEvidence();
  ev.staff = [
    staff('M-001', {
      competences: [{ competence: 'autismespecifikke-metoder', obtainedOn: '2024-05-01' }],
      courses: [{ title: 'Autisme og angst', completedOn: '2026-09-01', hours: 14 }],
      supervision: [{ date: '2026-09-01', kind: 'ekstern' }],
    }),
    ...ev.staff!.slice(1),
  ];
  ev.citizenCourses = {
    entries: [...ev.citizenCourses!.entries!, { ref: 'F-4', startDate: '2025-10-01', endDate: '2026-09-01', targetGroup: 'voksne' }],
    counts: [{ periodStart: '2026-01-01', periodEnd: '2026-06-30', targetGroup: 'voksne', started: 2 }],
  };
  ev.organisation = { ...ev.organisation, methodFoundationReviewedOn: '2026-09-01', competencePlanUpdatedOn: '2026-09-01' };
  ev.advisory = { cases: [{ startDate: '2026-09-01', recipientType: 'kommune' }], knowledgeActivities: [{ date: '2026-09-01', kind: 'temadag' }] };
  return ev;
}

describe('dates in evidence (the service evaluates on 2026-10-01)', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('accepts evidence whose every date is on or before its reporting date, and an education of the reporting year', async () => {
    const ev = dated();
    ev.staff![0].educations = [{ education: 'paedagog', year: 2026 }];
    const res = await call('post', '/v1/evaluations', 'midt', body(ev));
    expect(res.status).toBe(201);
    expect(res.body.overall).toBe('eligible');
  });

  it('refuses a reporting date after today, also when the evaluation date lies after it', async () => {
    for (const extra of [{}, { asOf: '2027-01-01' }]) {
      const res = await call('post', '/v1/evaluations', 'midt', body({ ...eligibleEvidence(), reportingDate: '2026-10-02' }, extra));
      expect(res.status).toBe(422);
      expect(res.body.type).toBe(`${PROBLEMS}evidence-from-the-future`);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/evidence/reportingDate', code: 'evidence-from-the-future' })]);
    }
    expect(await svc.store.listAudit({ limit: 10 })).toEqual([]);
  });

  it('refuses an evaluation date before the evidence\'s reporting date', async () => {
    const res = await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence(), { asOf: '2026-08-31' }));
    expect(res.status).toBe(422);
    expect(res.body.type).toBe(`${PROBLEMS}as-of-before-reporting-date`);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/asOf', code: 'as-of-before-reporting-date' })]);
    // On the reporting date itself it is evaluated.
    expect((await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence(), { asOf: '2026-09-01' }))).status).toBe(201);
  });

  const AFTER = '2026-09-02';
  const cases: [string, string, (ev: Evidence) => void][] = [
    ['an education completed after the reporting year', '/evidence/staff/0/educations/0/year', (ev) => { ev.staff![0].educations = [{ education: 'paedagog', year: 2027 }]; }],
    ['a competence obtained', '/evidence/staff/0/competences/0/obtainedOn', (ev) => { ev.staff![0].competences![0].obtainedOn = AFTER; }],
    ['a course completed', '/evidence/staff/0/courses/0/completedOn', (ev) => { ev.staff![0].courses![0].completedOn = AFTER; }],
    ['supervision held', '/evidence/staff/0/supervision/0/date', (ev) => { ev.staff![0].supervision![0].date = AFTER; }],
    ['a citizen course started', '/evidence/citizenCourses/entries/0/startDate', (ev) => { ev.citizenCourses!.entries![0].startDate = AFTER; }],
    ['a citizen course ended', '/evidence/citizenCourses/entries/3/endDate', (ev) => { ev.citizenCourses!.entries![3].endDate = AFTER; }],
    ['a counted period ending', '/evidence/citizenCourses/counts/0/periodEnd', (ev) => { ev.citizenCourses!.counts![0].periodEnd = AFTER; }],
    ['an advisory case', '/evidence/advisory/cases/0/startDate', (ev) => { ev.advisory!.cases![0].startDate = AFTER; }],
    ['a knowledge activity', '/evidence/advisory/knowledgeActivities/0/date', (ev) => { ev.advisory!.knowledgeActivities![0].date = AFTER; }],
    ['a review of the method foundation', '/evidence/organisation/methodFoundationReviewedOn', (ev) => { ev.organisation!.methodFoundationReviewedOn = AFTER; }],
    ['an update of the competence plan', '/evidence/organisation/competencePlanUpdatedOn', (ev) => { ev.organisation!.competencePlanUpdatedOn = AFTER; }],
  ];
  it.each(cases)('refuses evidence dated after its reporting date: %s', async (_what, pointer, change) => {
    const ev = dated();
    change(ev);
    for (const dryRun of ['', '?dryRun=true']) {
      const res = await call('post', `/v1/evaluations${dryRun}`, 'midt', body(ev));
      expect(res.status).toBe(422);
      expect(res.body.type).toBe(`${PROBLEMS}dated-after-reporting-date`);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer, code: 'dated-after-reporting-date' })]);
    }
  });

  it('names every date after the reporting date at once', async () => {
    const ev = dated();
    ev.staff![0].courses![0].completedOn = AFTER;
    ev.advisory!.cases![0].startDate = AFTER;
    const res = await call('post', '/v1/evaluations', 'midt', body(ev));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/evidence/staff/0/courses/0/completedOn', '/evidence/advisory/cases/0/startDate']);
  });

  it('accepts an agreement that begins or ends after the reporting date; it counts only if in force on the reporting date', async () => {
    const ev = eligibleEvidence();
    ev.agreements = [
      { partnerType: 'regionspsykiatri', partnerName: 'Psykiatrien Region Midtjylland', validFrom: '2025-01-01', validTo: '2030-12-31', formal: true },
      { partnerType: 'boerne-og-ungdomspsykiatri', partnerName: 'BUP Aarhus', validFrom: '2026-09-15', formal: true },
    ];
    const res = await call('post', '/v1/evaluations', 'midt', body(ev));
    expect(res.status).toBe(201);
    const collaboration = res.body.result.requirements.find((r: { id: string }) => r.id === 'TST-SF-04');
    expect(collaboration.conditions.map((c: { actual: number }) => c.actual)).toEqual([1, 0]);
  });

  it('refuses new evidence on an approval dated after its reporting date, with the same code and pointer', async () => {
    const evaluation = await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence()));
    const approval = await call('post', '/v1/approvals', 'midt', { evaluationId: evaluation.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expect(approval.status).toBe(201);
    const ev = eligibleEvidence();
    ev.citizenCourses!.entries![0].startDate = AFTER;
    const res = await call('post', `/v1/approvals/${approval.body.id}/evidence`, 'midt', { evidence: ev });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe(`${PROBLEMS}dated-after-reporting-date`);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/evidence/citizenCourses/entries/0/startDate', code: 'dated-after-reporting-date' })]);
  });
});

describe('the version of a stored evaluation', () => {
  beforeEach(async () => {
    // 1.1.0 came into force on 2026-09-10; 1.0.0 was in force before.
    svc = await startTestService({ rulesets: [ruleset(), ruleset({ version: '1.1.0', effectiveFrom: '2026-09-10' }), ruleset({ version: '1.2.0', status: 'draft', effectiveFrom: '2027-01-01' })] });
  });

  it('refuses an explicit version not in force on the evaluation date when the evaluation is stored', async () => {
    const res = await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence(), { version: '1.0.0' }));
    expect(res.status).toBe(422);
    expect(res.body.type).toBe(`${PROBLEMS}version-not-in-force-on-as-of`);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/version', code: 'version-not-in-force-on-as-of' })]);
    expect(await svc.store.listAudit({ limit: 10 })).toEqual([]);
  });

  it('stores an evaluation under the version in force on its date, given or not', async () => {
    expect((await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence(), { version: '1.1.0' }))).body).toMatchObject({ rulesetVersion: '1.1.0', stored: true });
    expect((await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence()))).body).toMatchObject({ rulesetVersion: '1.1.0', stored: true });
    const before = await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence(), { version: '1.0.0', asOf: '2026-09-05' }));
    expect(before.status).toBe(201);
    // In force on its date, but not today: it cannot be the ground of an approval.
    expect(before.body).toMatchObject({ rulesetVersion: '1.0.0', approvable: false, blockers: [expect.objectContaining({ code: 'version-not-in-force' })] });
  });

  it('lets a dry run evaluate any published version or a draft, saying it cannot be approved', async () => {
    for (const version of ['1.0.0', '1.2.0']) {
      const res = await call('post', '/v1/evaluations?dryRun=true', 'midt', body(eligibleEvidence(), { version }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ stored: false, rulesetVersion: version, overall: 'eligible', approvable: false });
      expect(res.body.blockers.map((b: { code: string }) => b.code)).toEqual(['version-not-in-force']);
    }
  });
});

describe('windows count back from the reporting date', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('gives unchanged evidence re-checked a year later the same outcome; only its age differs, until it is out of date', async () => {
    const evaluation = await call('post', '/v1/evaluations', 'midt', body(eligibleEvidence()));
    const approval = await call('post', '/v1/approvals', 'midt', { evaluationId: evaluation.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expect(approval.status).toBe(201);
    const outcomes = (view: { result: { requirements: { id: string; outcome: string; conditions: { actual: unknown }[] }[] } }) =>
      view.result.requirements.map((r) => [r.id, r.outcome, r.conditions.map((c) => c.actual)]);

    // 2027-09-01: a year after the reporting date, the last day the evidence is current. Counted back from
    // this day, every course of the evidence would have fallen out of the 12-month window.
    svc.clock.set('2027-09-01T09:00:00Z');
    const recheck = await call('post', `/v1/approvals/${approval.body.id}/recheck`, 'midt', { reason: 'Kontrol' });
    expect(recheck.status).toBe(200);
    expect(recheck.body.outcome).toBe('compliant');
    const later = await call('get', `/v1/evaluations/${recheck.body.evaluationId}`, 'midt');
    expect(outcomes(later.body)).toEqual(outcomes(evaluation.body));
    expect(later.body.result.evidence).toMatchObject({ reportingDate: '2026-09-01', ageMonths: 12, overdue: false });
    expect(later.body).toMatchObject({ overall: 'eligible', semanticsVersion: 2 });

    // A day later only the age has changed: the evidence is out of date.
    svc.clock.set('2027-09-02T09:00:00Z');
    const overdue = await call('post', `/v1/approvals/${approval.body.id}/recheck`, 'midt', { reason: 'Kontrol' });
    expect(overdue.body.outcome).toBe('evidence-overdue');
    const last = await call('get', `/v1/evaluations/${overdue.body.evaluationId}`, 'midt');
    expect(outcomes(last.body)).toEqual(outcomes(evaluation.body));
    expect(last.body.blockers.map((b: { code: string }) => b.code)).toEqual(['evidence-out-of-date']);
  });
});
