import { allFacts } from '../../src/evidence/catalogue';
import { deriveFact, derivedFactIds } from '../../src/evidence/derive';
import { evidence, staff } from '../support/builders';

const AS_OF = '2026-10-01';

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

  it('does not count an education completed after the evaluation year', () => {
    const ev = evidence({ staff: [staff('A', { educations: [{ education: 'paedagog', year: 2027 }] })] });
    expect(deriveFact('fteWithEducation', ev, AS_OF, { educations: ['paedagog'] })).toBe(0);
    expect(deriveFact('fteWithEducation', ev, '2027-01-01', { educations: ['paedagog'] })).toBe(1);
  });

  it('reads FTE per profession by path, with zero for professions without staff', () => {
    const byProfession = deriveFact('fteByProfession', evidence(), AS_OF) as Record<string, number>;
    expect(byProfession.psykolog).toBe(1);
    expect(byProfession.paedagog).toBe(2);
    expect(byProfession.neuropsykolog).toBe(0);
  });

  it('counts citizen courses started in (asOf − N months, asOf], from entries and from whole periods', () => {
    const ev = evidence({
      citizenCourses: {
        entries: [
          { ref: 'F1', startDate: '2025-10-01', targetGroup: 'voksne' }, // exactly 12 months before: outside
          { ref: 'F2', startDate: '2025-10-02', targetGroup: 'voksne' },
          { ref: 'F3', startDate: '2026-10-01', targetGroup: 'unge' },
          { ref: 'F4', startDate: '2026-10-02', targetGroup: 'unge' }, // after asOf: outside
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

  it('counts agreements valid on the date, formal ones unless told otherwise', () => {
    const ev = evidence({
      agreements: [
        { partnerType: 'regionspsykiatri', partnerName: 'A', validFrom: '2025-01-01', validTo: '2026-10-01', formal: true },
        { partnerType: 'regionspsykiatri', partnerName: 'B', validFrom: '2026-10-02', formal: true },
        { partnerType: 'regionspsykiatri', partnerName: 'C', validFrom: '2025-01-01', formal: false },
      ],
    });
    expect(deriveFact('validAgreements', ev, AS_OF, { partnerTypes: ['regionspsykiatri'] })).toBe(1);
    expect(deriveFact('validAgreements', ev, AS_OF, { partnerTypes: ['regionspsykiatri'], formalOnly: false })).toBe(2);
    expect(deriveFact('agreementPartnerTypes', ev, '2026-10-02')).toEqual(['regionspsykiatri']);
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

  it('gives whole months since a date', () => {
    const ev = evidence({ organisation: { competencePlanUpdatedOn: '2025-10-02' } });
    expect(deriveFact('monthsSinceCompetencePlanUpdate', ev, AS_OF)).toBe(11);
    expect(deriveFact('monthsSinceCompetencePlanUpdate', ev, '2026-10-02')).toBe(12);
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
