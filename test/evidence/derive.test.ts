import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

  it('gives every number fact a range in the catalogue, and derives no value outside it from any example case', () => {
    const numberFacts = allFacts().filter((f) => ['number', 'integer'].includes(f.type === 'object' ? String(f.valueType) : f.type));
    expect(numberFacts.filter((f) => f.minimum === undefined).map((f) => f.id)).toEqual([]);
    expect(numberFacts.filter((f) => f.unit === 'procent' && f.maximum !== 100).map((f) => f.id)).toEqual([]);
    // Each number fact as the shipped rules ask for it (with their params), or without params where it takes none.
    const rules = path.join(__dirname, '..', '..', 'rules');
    const specialer = readdirSync(rules, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(rules, d.name));
    const asked = new Map<string, { fact: string; params: Record<string, unknown> }>();
    for (const f of numberFacts.filter((f) => !f.params)) asked.set(f.id, { fact: f.id, params: {} });
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      if (node === null || typeof node !== 'object') return;
      const leaf = node as { fact?: unknown; params?: Record<string, unknown> };
      if (typeof leaf.fact === 'string' && numberFacts.some((f) => f.id === leaf.fact)) asked.set(JSON.stringify([leaf.fact, leaf.params ?? {}]), { fact: leaf.fact, params: leaf.params ?? {} });
      Object.values(node).forEach(collect);
    };
    for (const dir of specialer) for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) collect(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    expect([...asked.values()].filter((a) => Object.keys(a.params).length > 0).length).toBeGreaterThan(0);
    const cases = specialer.flatMap((dir) => readdirSync(path.join(dir, 'cases')).map((f) => path.join(dir, 'cases', f)));
    expect(cases.length).toBeGreaterThan(50);
    const outside: string[] = [];
    for (const file of cases) {
      const example = JSON.parse(readFileSync(file, 'utf8')) as { evidence: Evidence; asOf?: string };
      for (const { fact, params } of asked.values()) {
        const range = numberFacts.find((f) => f.id === fact)!;
        const value = deriveFact(fact, example.evidence, example.asOf ?? example.evidence.reportingDate, params);
        const values = value !== null && typeof value === 'object' ? Object.values(value) : [value];
        for (const v of values) {
          if (typeof v === 'number' && (v < range.minimum! || (range.maximum !== undefined && v > range.maximum))) outside.push(`${path.basename(file)} ${fact} ${v}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
