import type { ProblemCode } from '../problems/codes';
import type { IsoDate } from '../time/dates';
import type { Evidence } from './types';

/**
 * The dates of evidence checked against its reporting date. Evidence describes the provider on its
 * `reportingDate`, so nothing it records as done (a competence obtained, an education completed, a course,
 * supervision, a citizen course started or ended, a counted period, an advisory case, a knowledge
 * activity, a review or plan update) may lie after it; a reporting date may not lie after today, nor after
 * the date it is evaluated on. Dates that look ahead by nature (an agreement's `validFrom` and `validTo`)
 * may lie after it. Pure: `today` and `asOf` are given, never read from a clock.
 */

export const EVIDENCE_DATE_CODES = ['evidence-from-the-future', 'as-of-before-reporting-date', 'dated-after-reporting-date'] as const satisfies readonly ProblemCode[];
export type EvidenceDateCode = (typeof EVIDENCE_DATE_CODES)[number];

export interface EvidenceDateProblem {
  code: EvidenceDateCode;
  /** JSON Pointer into the evidence. */
  pointer: string;
  message: string;
}

/**
 * Every date problem of a piece of evidence (already valid against its schema), each with its pointer into
 * the evidence. With `today`: a reporting date after it (`evidence-from-the-future`). With `asOf` (the
 * evaluation date): a reporting date after it (`as-of-before-reporting-date`, at `/reportingDate`; an
 * evaluation request reports it at `/asOf`), unless already reported as after today.
 */
export function evidenceDateProblems(evidence: Evidence, at: { today?: IsoDate; asOf?: IsoDate } = {}): EvidenceDateProblem[] {
  const problems: EvidenceDateProblem[] = [];
  const reported = evidence.reportingDate;
  const reportingYear = Number(reported.slice(0, 4));
  if (at.today !== undefined && reported > at.today) {
    problems.push({ code: 'evidence-from-the-future', pointer: '/reportingDate', message: `indberetningsdatoen ${reported} ligger efter i dag (${at.today}); dokumentation kan kun beskrive tilbuddet, som det er eller var` });
  } else if (at.asOf !== undefined && reported > at.asOf) {
    problems.push({ code: 'as-of-before-reporting-date', pointer: '/reportingDate', message: `vurderingsdatoen ${at.asOf} ligger før dokumentationens indberetningsdato ${reported}` });
  }
  const after = (pointer: string, date: string | undefined, what: string) => {
    if (date !== undefined && date > reported) {
      problems.push({ code: 'dated-after-reporting-date', pointer, message: `${what} (${date}) ligger efter indberetningsdatoen ${reported}` });
    }
  };

  (evidence.staff ?? []).forEach((s, i) => {
    const at = `/staff/${i}`;
    s.educations?.forEach((e, j) => {
      if (e.year > reportingYear) {
        problems.push({ code: 'dated-after-reporting-date', pointer: `${at}/educations/${j}/year`, message: `uddannelsen er afsluttet i ${e.year}, efter indberetningsåret ${reportingYear}` });
      }
    });
    s.competences?.forEach((c, j) => after(`${at}/competences/${j}/obtainedOn`, c.obtainedOn, 'kompetencen er erhvervet'));
    s.courses?.forEach((c, j) => after(`${at}/courses/${j}/completedOn`, c.completedOn, 'kurset er gennemført'));
    s.supervision?.forEach((x, j) => after(`${at}/supervision/${j}/date`, x.date, 'supervisionen er holdt'));
  });
  evidence.citizenCourses?.entries?.forEach((e, i) => {
    after(`/citizenCourses/entries/${i}/startDate`, e.startDate, 'borgerforløbet er startet');
    after(`/citizenCourses/entries/${i}/endDate`, e.endDate, 'borgerforløbet er afsluttet');
  });
  evidence.citizenCourses?.counts?.forEach((c, i) => {
    after(`/citizenCourses/counts/${i}/periodStart`, c.periodStart, 'den optalte periode begynder');
    after(`/citizenCourses/counts/${i}/periodEnd`, c.periodEnd, 'den optalte periode slutter');
  });
  evidence.advisory?.cases?.forEach((c, i) => after(`/advisory/cases/${i}/startDate`, c.startDate, 'rådgivningsforløbet er startet'));
  evidence.advisory?.knowledgeActivities?.forEach((a, i) => after(`/advisory/knowledgeActivities/${i}/date`, a.date, 'vidensaktiviteten er holdt'));
  after('/organisation/methodFoundationReviewedOn', evidence.organisation?.methodFoundationReviewedOn, 'metodegrundlaget er revideret');
  after('/organisation/competencePlanUpdatedOn', evidence.organisation?.competencePlanUpdatedOn, 'kompetenceudviklingsplanen er opdateret');
  return problems;
}
