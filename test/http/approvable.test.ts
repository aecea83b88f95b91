/**
 * Issue 12, point 2: every evaluation says whether it can be the ground of an approval today (`approvable`)
 * and what stands in the way (`blockers`); the summary, the report's banner and the JSON agree, and all of it
 * is worked out again whenever the evaluation is shown.
 */
import request from 'supertest';
import type { EvaluationRecord } from '../../src/approvals/records';
import { evaluate } from '../../src/evaluation/evaluate';
import type { Evidence } from '../../src/evidence/types';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence, ruleset, staff } from '../support/builders';
import { apiCaller, bearer, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

let svc: TestService;
beforeEach(async () => {
  svc = await startTestService(); // today: 2026-10-01; evidence may be at most 12 months old
});
afterEach(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);
const codes = (body: { blockers: { code: string }[] }) => body.blockers.map((b) => b.code);

async function stored(evidence: Evidence) {
  const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence });
  expect(res.status).toBe(201);
  return res;
}

async function report(id: string): Promise<string> {
  const res = await request(svc.app).get(`/v1/evaluations/${id}`).set('Authorization', bearer('midt')).set('Accept', 'text/html');
  expectResponseMatchesSpec(res);
  expect(res.status).toBe(200);
  return res.text;
}

const GREEN = /<p class="verdict eligible">Opfylder kriterierne<\/p>/;

/** Eligible evidence reported 2025-05-01: 17 months before today, with 12 allowed. */
function seventeenMonthsOld(): Evidence {
  return {
    ...eligibleEvidence(),
    reportingDate: '2025-05-01',
    citizenCourses: {
      entries: [
        { ref: 'F-1', startDate: '2024-06-01', targetGroup: 'voksne' },
        { ref: 'F-2', startDate: '2024-09-01', targetGroup: 'voksne' },
        { ref: 'F-3', startDate: '2025-04-01', targetGroup: 'unge' },
      ],
    },
  };
}

describe('approvable and blockers', () => {
  it('approves an eligible evaluation on current evidence under the version in force: green banner, summary and JSON agree', async () => {
    const res = await stored(eligibleEvidence());
    expect(res.body).toMatchObject({ overall: 'eligible', approvable: true, blockers: [], semanticsVersion: 2 });
    expect(res.body.result).toMatchObject({ approvable: true, blockers: [], semanticsVersion: 2 });
    expect(res.body.result.summary).toContain('kan danne grundlag for en godkendelse');
    const html = await report(res.body.id);
    expect(html).toMatch(GREEN);
    expect(html).toContain(res.body.result.summary);
    const approval = await call('post', '/v1/approvals', 'midt', { evaluationId: res.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expect(approval.status).toBe(201);
  });

  it('does not call evidence 17 months old (12 allowed) approvable, though every requirement is met; the banner is not green', async () => {
    const res = await stored(seventeenMonthsOld());
    expect(res.body).toMatchObject({ overall: 'eligible', approvable: false });
    expect(res.body.result.evidence).toMatchObject({ ageMonths: 17, maxAgeMonths: 12, overdue: true });
    expect(codes(res.body)).toEqual(['evidence-out-of-date']);
    expect(res.body.result.blockers).toEqual(res.body.blockers);
    expect(res.body.result.summary).not.toContain('kan danne grundlag for en godkendelse.');
    expect(res.body.result.summary).toContain(res.body.blockers[0].message);
    const html = await report(res.body.id);
    expect(html).not.toMatch(GREEN);
    expect(html).toContain('class="verdict not-approvable"');
    expect(html).toContain('data-code="evidence-out-of-date"');
    // The approval is refused as the evaluation said.
    const approval = await call('post', '/v1/approvals', 'midt', { evaluationId: res.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expectProblem(approval, 409, 'evidence-out-of-date');
  });

  it('works approvable out again when the evaluation is shown: evidence current when stored is out of date a year later', async () => {
    const res = await stored(eligibleEvidence());
    expect(res.body.approvable).toBe(true);
    svc.clock.set('2027-09-02T09:00:00Z');
    const later = await call('get', `/v1/evaluations/${res.body.id}`, 'midt');
    expect(later.body).toMatchObject({ overall: 'eligible', approvable: false, result: { approvable: false } });
    expect(codes(later.body)).toEqual(['evidence-out-of-date']);
    expect(later.body.result.summary).not.toEqual(res.body.result.summary);
    expect(await report(res.body.id)).not.toMatch(GREEN);
  });

  it('names the requirements not met and those lacking evidence in the summary of a failing evaluation', async () => {
    const ev = eligibleEvidence();
    ev.agreements = [];
    delete ev.citizenCourses;
    const res = await stored(ev);
    expect(res.body).toMatchObject({ overall: 'not-eligible', approvable: false });
    expect(res.body.result).toMatchObject({ unmetRequired: ['TST-SF-04'], insufficientRequired: ['TST-SF-03'] });
    expect(codes(res.body)).toEqual(['requirements-not-met', 'requirements-lacking-evidence']);
    expect(res.body.blockers[0].message).toContain('TST-SF-04');
    expect(res.body.blockers[1].message).toContain('TST-SF-03');
    const { summary } = res.body.result;
    expect(summary).toContain('TST-SF-04');
    expect(summary).toContain('TST-SF-03');
    const html = await report(res.body.id);
    expect(html).toContain('class="verdict not-eligible"');
    expect(html).toContain(summary);
  });

  it('names the requirements lacking evidence of an incomplete evaluation', async () => {
    const ev = eligibleEvidence();
    delete ev.citizenCourses;
    const res = await stored(ev);
    expect(res.body).toMatchObject({ overall: 'incomplete', approvable: false });
    expect(codes(res.body)).toEqual(['requirements-lacking-evidence']);
    expect(res.body.result.summary).toContain('TST-SF-03');
  });

  it('shows an evaluation stored before evidence dates were checked as not approvable, without rewriting it', async () => {
    // As stored by the earlier evaluator: a course after the reporting date, no semantics version recorded.
    const evidence = eligibleEvidence();
    evidence.staff = [staff('M-009', { courses: [{ title: 'Kursus', completedOn: '2026-09-20', hours: 7 }] }), ...evidence.staff!];
    const result = await evaluate({ ruleset: ruleset(), level: 'specialfunktion', evidence, asOf: '2026-09-25' });
    const { semanticsVersion: _new, approvable: _a, blockers: _b, ...older } = result;
    const record = {
      id: 'old-evaluation-1', speciale: 'testspeciale', level: 'specialfunktion', rulesetVersion: '1.0.0', rulesetHash: result.rulesetHash,
      evidenceHash: result.evidenceHash, engineVersion: result.engine.version, asOf: '2026-09-25', overall: result.overall,
      provider: { tilbudId: '4711', cvr: evidence.provider.cvr, name: evidence.provider.name, kommunekode: '751', region: 'Midtjylland', tilsyn: 'Midt' },
      evidence, result: older, createdAt: '2026-09-25T10:00:00.000Z', createdBy: 'inspektoer@midt',
    } as unknown as EvaluationRecord;
    const outcome = await svc.store.commit({
      evaluation: record,
      audit: { at: record.createdAt, subject: record.createdBy, action: 'evaluation.created', entityType: 'evaluation', entityId: record.id, summary: { tilbudId: '4711' } },
    });
    expect(outcome.committed).toBe(true);

    const shown = await call('get', `/v1/evaluations/${record.id}`, 'midt');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ overall: 'eligible', approvable: false, semanticsVersion: 1, result: { semanticsVersion: 1 } });
    expect(codes(shown.body)).toEqual(['evidence-dates-invalid']);
    expect(shown.body.blockers[0].message).toContain('/staff/0/courses/0/completedOn');
    expect((await svc.store.getEvaluation(record.id))?.evidenceHash).toBe(result.evidenceHash);
  });
});
