import type { Evidence, StaffMember } from '../../src/evidence/types';
import type { Ruleset } from '../../src/rules/types';

/** A valid CVR (modulus 11) and a provider in Aarhus (Socialtilsyn Midt). */
export const VALID_CVR = '29189846';

export function staff(ref: string, overrides: Partial<StaffMember> = {}): StaffMember {
  return { ref, profession: 'paedagog', fte: 1, educations: [{ education: 'paedagog', year: 2010 }], ...overrides };
}

export function evidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    reportingDate: '2026-09-01',
    provider: { tilbudId: '4711', cvr: VALID_CVR, name: 'Bostedet Lærkehøj', kommunekode: '751', ownerType: 'kommunal', places: 24 },
    staff: [staff('M-001'), staff('M-002'), staff('M-003', { profession: 'psykolog', educations: [{ education: 'psykolog', year: 2015 }] })],
    citizenCourses: { entries: [] },
    agreements: [],
    organisation: { methodFoundationDocumented: true, methods: ['teacch'] },
    ...overrides,
  };
}

/** A small, self-contained rule set with one requirement per category and one advisory requirement. */
export function ruleset(overrides: Partial<Ruleset> = {}): Ruleset {
  const policy = { validityMonths: 48, recheckIntervalMonths: 12, maxEvidenceAgeMonths: 12, transitionMonths: 12, renewalWindowMonths: 6 };
  const text = (da: string) => ({ da });
  return {
    speciale: 'testspeciale',
    version: '1.0.0',
    status: 'published',
    effectiveFrom: '2026-01-01',
    title: text('Testspeciale'),
    description: text('Et regelsæt til test'),
    illustrative: 'Illustrativt indhold til test',
    levels: {
      specialfunktion: {
        approvalPolicy: policy,
        requirements: [
          {
            id: 'TST-SF-01', category: 'education', severity: 'required', title: text('Uddannelse'), rationale: text('r'),
            conditions: { all: [{ fact: 'shareFteWithEducationGroup', params: { groups: ['paedagogisk', 'social'] }, operator: 'greaterThanInclusive', value: 60 }] },
          },
          {
            id: 'TST-SF-02', category: 'competence', severity: 'required', title: text('Kompetence'), rationale: text('r'),
            conditions: { all: [{ fact: 'fteWithCompetence', params: { competence: 'autismespecifikke-metoder', withinYears: 5 }, operator: 'greaterThanInclusive', value: 2 }] },
          },
          {
            id: 'TST-SF-03', category: 'activePractice', severity: 'required', title: text('Volumen'), rationale: text('r'),
            conditions: { all: [{ fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator: 'greaterThanInclusive', value: 3 }] },
          },
          {
            id: 'TST-SF-04', category: 'collaboration', severity: 'required', title: text('Samarbejde'), rationale: text('r'),
            conditions: { any: [
              { fact: 'validAgreements', params: { partnerTypes: ['regionspsykiatri'] }, operator: 'greaterThanInclusive', value: 1 },
              { fact: 'validAgreements', params: { partnerTypes: ['boerne-og-ungdomspsykiatri'] }, operator: 'greaterThanInclusive', value: 1 },
            ] },
          },
          {
            id: 'TST-SF-05', category: 'organisation', severity: 'required', title: text('Metode'), rationale: text('r'),
            conditions: { all: [
              { fact: 'methodFoundationDocumented', operator: 'equal', value: true },
              { fact: 'methodsInUse', operator: 'contains', value: 'teacch' },
            ] },
          },
          {
            id: 'TST-SF-06', category: 'competence', severity: 'advisory', title: text('Psykolog'), rationale: text('r'),
            conditions: { all: [{ fact: 'fteByProfession', path: '$.psykolog', operator: 'greaterThanInclusive', value: 1 }] },
          },
        ],
      },
      raadgivningsfunktion: {
        includesLevel: 'specialfunktion',
        approvalPolicy: { ...policy, validityMonths: 96 },
        requirements: [
          {
            id: 'TST-RF-01', category: 'organisation', severity: 'required', title: text('Udgående rådgivning'), rationale: text('r'),
            conditions: { not: { fact: 'offersOutreach', operator: 'equal', value: false } },
          },
        ],
      },
    },
    ...overrides,
  };
}

/**
 * Evidence that meets every requirement of the test rule set's specialfunktion, reported 2026-09-01 (every
 * window counts back from it): 3 courses started within 12 months (the minimum), and 2 FTE with the
 * competence within 5 years until a reporting date of 2027-01-01.
 */
export function eligibleEvidence(): Evidence {
  return evidence({
    staff: [
      staff('M-001', { competences: [{ competence: 'autismespecifikke-metoder', obtainedOn: '2024-05-01' }] }),
      staff('M-002', { competences: [{ competence: 'autismespecifikke-metoder', obtainedOn: '2022-01-01' }] }),
      staff('M-003', { profession: 'psykolog', educations: [{ education: 'psykolog', year: 2015 }] }),
    ],
    citizenCourses: {
      entries: [
        { ref: 'F-1', startDate: '2026-01-10', targetGroup: 'voksne' },
        { ref: 'F-2', startDate: '2026-03-10', targetGroup: 'voksne' },
        { ref: 'F-3', startDate: '2026-08-30', targetGroup: 'unge' },
      ],
    },
    agreements: [{ partnerType: 'regionspsykiatri', partnerName: 'Psykiatrien Region Midtjylland', validFrom: '2025-01-01', formal: true }],
  });
}

