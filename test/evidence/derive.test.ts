import { allFacts } from '../../src/evidence/catalogue';
import { deriveFact, derivedFactIds } from '../../src/evidence/derive';
import type { Evidence } from '../../src/evidence/types';
import { evidence as baseEvidence, staff } from '../support/builders';

const AS_OF = '2026-10-01';
/** Evidence reported on AS_OF unless said otherwise: every window counts back from the reporting date. */
const evidence = (overrides: Partial<Evidence> = {}) => baseEvidence({ reportingDate: AS_OF, ...overrides });

describe('fact derivation', () => {
  it('has exactly one derivation for every fact in the catalogue', () => {
    expect(derivedFactIds().sort()).toEqual(allFacts().map((f) => f.id).sort());
  });

  it('sums FTE so that fractions add up to the threshold a person would expect', () => {
    const ev = evidence({ staff: [staff('A', { fte: 0.1 }), staff('B', { fte: 0.2 })] });
    expect(deriveFact('staffFteTotal', ev, AS_OF)).toBe(0.3);
  });

  it('computes the share of FTE with an education in the named groups', () => {
    const ev = evidence({
      staff: [
        staff('A', { fte: 1, educations: [{ education: 'paedagog', year: 2000 }] }),
        staff('B', { fte: 1, educations: [{ education: 'socialraadgiver', year: 2000 }] }),
        staff('C', { fte: 1, educations: [{ education: 'sygeplejerske', year: 2000 }] }),
        staff('D', { fte: 1, educations: [] }),
      ],
    });
    expect(deriveFact('shareFteWithEducationGroup', ev, AS_OF, { groups: ['paedagogisk', 'social'] })).toBe(50);
    expect(deriveFact('shareFteWithEducationGroup', ev, AS_OF, { groups: ['sundhedsfaglig'] })).toBe(25);
  });

  it('does not count an education completed after the reporting year, whatever the evaluation date', () => {
    const staffed = { staff: [staff('A', { educations: [{ education: 'paedagog', year: 2027 }] })] };
    expect(deriveFact('fteWithEducation', evidence(staffed), AS_OF, { educations: ['paedagog'] })).toBe(0);
    expect(deriveFact('fteWithEducation', evidence(staffed), '2027-01-01', { educations: ['paedagog'] })).toBe(0);
    expect(deriveFact('fteWithEducation', evidence({ ...staffed, reportingDate: '2027-01-01' }), '2027-01-01', { educations: ['paedagog'] })).toBe(1);
  });

  it('reads FTE per profession by path, with zero for professions without staff', () => {
    const byProfession = deriveFact('fteByProfession', evidence(), AS_OF) as Record<string, number>;
    expect(byProfession.psykolog).toBe(1);
    expect(byProfession.paedagog).toBe(2);
    expect(byProfession.neuropsykolog).toBe(0);
  });

  it('counts citizen courses started in (reportingDate − N months, reportingDate], from entries and from whole periods', () => {
    const ev = evidence({
      citizenCourses: {
        entries: [
          { ref: 'F1', startDate: '2025-10-01', targetGroup: 'voksne' }, // exactly 12 months before: outside
          { ref: 'F2', startDate: '2025-10-02', targetGroup: 'voksne' },
          { ref: 'F3', startDate: '2026-10-01', targetGroup: 'unge' },
          { ref: 'F4', startDate: '2026-10-02', targetGroup: 'unge' }, // after the reporting date: outside
        ],
        counts: [
          { periodStart: '2026-01-01', periodEnd: '2026-06-30', targetGroup: 'voksne', started: 5 },
          { periodStart: '2026-07-01', periodEnd: '2026-12-31', targetGroup: 'voksne', started: 7 }, // not yet ended
        ],
      },
    });
    expect(deriveFact('citizenCoursesStarted', ev, AS_OF, { withinMonths: 12 })).toBe(2 + 5);
    expect(deriveFact('citizenCoursesStarted', ev, AS_OF, { withinMonths: 12, targetGroup: 'unge' })).toBe(1);
    expect(deriveFact('citizenCoursesStarted', ev, AS_OF, { withinMonths: 36 })).toBe(3 + 5);
  });

  it('cannot count ongoing courses from period counts alone', () => {
    const ev = evidence({ citizenCourses: { counts: [{ periodStart: '2026-01-01', periodEnd: '2026-06-30', targetGroup: 'voksne', started: 5 }] } });
    expect(deriveFact('activeCitizenCourses', ev, AS_OF)).toBeUndefined();
  });

  it('counts agreements valid on the reporting date, formal ones unless told otherwise', () => {
    const ev = evidence({
      agreements: [
        { partnerType: 'regionspsykiatri', partnerName: 'A', validFrom: '2025-01-01', validTo: '2026-10-01', formal: true },
        { partnerType: 'regionspsykiatri', partnerName: 'B', validFrom: '2026-10-02', formal: true },
        { partnerType: 'regionspsykiatri', partnerName: 'C', validFrom: '2025-01-01', formal: false },
      ],
    });
    expect(deriveFact('validAgreements', ev, AS_OF, { partnerTypes: ['regionspsykiatri'] })).toBe(1);
    expect(deriveFact('validAgreements', ev, AS_OF, { partnerTypes: ['regionspsykiatri'], formalOnly: false })).toBe(2);
    expect(deriveFact('agreementPartnerTypes', { ...ev, reportingDate: '2026-10-02' }, '2026-10-02')).toEqual(['regionspsykiatri']);
  });

  it('counts supervision within the window as a share of FTE, optionally of one kind', () => {
    const ev = evidence({
      staff: [
        staff('A', { supervision: [{ date: '2026-05-01', kind: 'ekstern' }] }),
        staff('B', { supervision: [{ date: '2026-05-01', kind: 'intern' }] }),
        staff('C', { supervision: [{ date: '2025-05-01', kind: 'ekstern' }] }),
        staff('D'),
      ],
    });
    expect(deriveFact('shareFteWithSupervision', ev, AS_OF, { withinMonths: 12 })).toBe(50);
    expect(deriveFact('shareFteWithSupervision', ev, AS_OF, { withinMonths: 12, kind: 'ekstern' })).toBe(25);
  });

  it('gives whole months from a date to the reporting date', () => {
    const ev = evidence({ organisation: { competencePlanUpdatedOn: '2025-10-02' } });
    expect(deriveFact('monthsSinceCompetencePlanUpdate', ev, AS_OF)).toBe(11);
    expect(deriveFact('monthsSinceCompetencePlanUpdate', ev, '2027-10-02')).toBe(11);
    expect(deriveFact('monthsSinceCompetencePlanUpdate', { ...ev, reportingDate: '2026-10-02' }, '2026-10-02')).toBe(12);
  });

  it('derives every windowed fact from the reporting date: only the age of the evidence depends on the evaluation date', () => {
    const ev = evidence({
      staff: [
        staff('A', {
          competences: [{ competence: 'low-arousal', obtainedOn: '2021-10-02' }],
          courses: [{ title: 'K', completedOn: '2026-01-15', hours: 10 }],
          supervision: [{ date: '2026-02-01', kind: 'ekstern' }],
        }),
      ],
      citizenCourses: { entries: [{ ref: 'F1', startDate: '2025-11-01', endDate: '2026-09-30', targetGroup: 'voksne' }, { ref: 'F2', startDate: '2026-03-01', targetGroup: 'unge' }] },
      agreements: [{ partnerType: 'regionspsykiatri', partnerName: 'A', validFrom: '2025-01-01', validTo: '2026-12-31', formal: true }],
      organisation: { methodFoundationReviewedOn: '2025-01-01', competencePlanUpdatedOn: '2026-01-01' },
      advisory: { cases: [{ startDate: '2026-02-01', recipientType: 'kommune' }], knowledgeActivities: [{ date: '2026-03-01', kind: 'temadag' }] },
    });
    const facts: [string, Record<string, unknown>][] = [
      ['fteWithCompetence', { competence: 'low-arousal', withinYears: 5 }],
      ['staffWithCompetence', { competence: 'low-arousal', withinYears: 5 }],
      ['staffCompetences', {}],
      ['fteWithEducation', { educations: ['paedagog'] }],
      ['shareFteWithSupervision', { withinMonths: 12 }],
      ['courseHoursPerFte', { withinMonths: 12 }],
      ['citizenCoursesStarted', { withinMonths: 12 }],
      ['activeCitizenCourses', {}],
      ['citizenCourseTargetGroups', {}],
      ['validAgreements', { partnerTypes: ['regionspsykiatri'] }],
      ['agreementPartnerTypes', {}],
      ['monthsSinceMethodReview', {}],
      ['monthsSinceCompetencePlanUpdate', {}],
      ['advisoryCases', { withinMonths: 12 }],
      ['knowledgeSharingActivities', { withinMonths: 12 }],
    ];
    const on = (asOf: string) => Object.fromEntries(facts.map(([id, params]) => [id, deriveFact(id, ev, asOf, params)]));
    // A year and a half later, when the agreement has run out and the windows would have emptied: the same facts.
    expect(on('2028-04-01')).toEqual(on(AS_OF));
    expect(on(AS_OF)).toMatchObject({ fteWithCompetence: 1, citizenCoursesStarted: 2, activeCitizenCourses: 1, validAgreements: 1, advisoryCases: 1, knowledgeSharingActivities: 1, courseHoursPerFte: 10 });
    expect([deriveFact('evidenceAgeMonths', ev, AS_OF), deriveFact('evidenceAgeMonths', ev, '2028-04-01')]).toEqual([0, 18]);
  });

  it('leaves a fact undefined when the evidence it requires is absent', () => {
    const ev = evidence();
    delete ev.staff;
    delete ev.advisory;
    expect(deriveFact('staffFteTotal', ev, AS_OF)).toBeUndefined();
    expect(deriveFact('advisoryCases', ev, AS_OF, { withinMonths: 12 })).toBeUndefined();
    expect(deriveFact('monthsSinceMethodReview', ev, AS_OF)).toBeUndefined();
  });

  it('treats an explicitly empty list as present: a count of zero, not missing', () => {
    expect(deriveFact('validAgreements', evidence({ agreements: [] }), AS_OF, { partnerTypes: ['regionspsykiatri'] })).toBe(0);
    expect(deriveFact('staffCount', evidence({ staff: [] }), AS_OF)).toBe(0);
  });

  it('has no share of FTE without staff: the fact is missing (insufficient evidence), as the catalogue says, not 0 %', () => {
    expect(deriveFact('shareFteWithEducationGroup', evidence({ staff: [] }), AS_OF, { groups: ['paedagogisk'] })).toBeUndefined();
    expect(deriveFact('shareFteWithSupervision', evidence({ staff: [] }), AS_OF, { withinMonths: 12 })).toBeUndefined();
  });
});
