import { tilsynOf } from '../geography';
import { addYears, wholeMonthsBetween, withinMonthsBefore, type IsoDate } from '../time/dates';
import { educationGroupOf, factDefinition, vocabulary } from './catalogue';
import type { Evidence, StaffMember } from './types';

/**
 * Derivation of catalogue facts from evidence, as of an evaluation date: the one place where evidence
 * becomes the numbers and sets the rules compare. Each derivation matches the `derivation` text of its
 * fact in schemas/fact-catalogue.json. `undefined` means the fact cannot be derived (insufficient evidence).
 */

export type FactValue = number | boolean | string | string[] | Record<string, number> | undefined;
type Params = Record<string, unknown>;
type Derivation = (evidence: Evidence, asOf: IsoDate, params: Params) => FactValue;

// Sums of FTE and shares are rounded so that 0.1 + 0.2 meets a threshold of 0.3, as a person would expect.
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function staffOf(evidence: Evidence): StaffMember[] {
  return evidence.staff ?? [];
}

function totalFte(evidence: Evidence): number {
  return round(staffOf(evidence).reduce((sum, s) => sum + s.fte, 0));
}

function fteWhere(evidence: Evidence, predicate: (s: StaffMember) => boolean): number {
  return round(staffOf(evidence).reduce((sum, s) => (predicate(s) ? sum + s.fte : sum), 0));
}

function shareOfFte(evidence: Evidence, predicate: (s: StaffMember) => boolean): number {
  const total = totalFte(evidence);
  return total === 0 ? 0 : round((100 * fteWhere(evidence, predicate)) / total);
}

function hasCompetence(s: StaffMember, competence: string, asOf: IsoDate, withinYears: number | undefined): boolean {
  const earliest = withinYears === undefined ? '' : addYears(asOf, -withinYears);
  return (s.competences ?? []).some((c) => c.competence === competence && c.obtainedOn <= asOf && c.obtainedOn >= earliest);
}

function hasEducationIn(s: StaffMember, asOf: IsoDate, accept: (education: string) => boolean): boolean {
  const year = Number(asOf.slice(0, 4));
  return (s.educations ?? []).some((e) => e.year <= year && accept(e.education));
}

function agreementsValidOn(evidence: Evidence, asOf: IsoDate, formalOnly: boolean) {
  return (evidence.agreements ?? []).filter(
    (a) => a.validFrom <= asOf && (a.validTo === undefined || a.validTo >= asOf) && (a.formal || !formalOnly),
  );
}

function coursesStarted(evidence: Evidence, asOf: IsoDate, months: number, targetGroup: unknown): number {
  const courses = evidence.citizenCourses ?? {};
  const inGroup = (g: string) => targetGroup === undefined || g === targetGroup;
  const fromEntries = (courses.entries ?? []).filter((e) => inGroup(e.targetGroup) && withinMonthsBefore(e.startDate, asOf, months)).length;
  // A period count is only attributable to the window when the whole period lies inside it.
  const fromCounts = (courses.counts ?? [])
    .filter((c) => inGroup(c.targetGroup) && withinMonthsBefore(c.periodStart, asOf, months) && c.periodEnd <= asOf)
    .reduce((sum, c) => sum + c.started, 0);
  return fromEntries + fromCounts;
}

const DERIVATIONS: Record<string, Derivation> = {
  staffFteTotal: (ev) => totalFte(ev),
  staffCount: (ev) => staffOf(ev).length,
  fteByProfession: (ev) => {
    const byProfession: Record<string, number> = {};
    for (const p of vocabulary('professions')) byProfession[p.id] = 0;
    for (const s of staffOf(ev)) byProfession[s.profession] = round((byProfession[s.profession] ?? 0) + s.fte);
    return byProfession;
  },
  fteWithEducation: (ev, asOf, p) => {
    const accepted = new Set(p.educations as string[]);
    return fteWhere(ev, (s) => hasEducationIn(s, asOf, (e) => accepted.has(e)));
  },
  shareFteWithEducationGroup: (ev, asOf, p) => {
    const groups = new Set(p.groups as string[]);
    return shareOfFte(ev, (s) => hasEducationIn(s, asOf, (e) => groups.has(educationGroupOf(e) ?? '')));
  },
  fteWithCompetence: (ev, asOf, p) =>
    fteWhere(ev, (s) => hasCompetence(s, p.competence as string, asOf, p.withinYears as number | undefined)),
  staffWithCompetence: (ev, asOf, p) =>
    staffOf(ev).filter((s) => hasCompetence(s, p.competence as string, asOf, p.withinYears as number | undefined)).length,
  staffCompetences: (ev, asOf) => {
    const held = new Set<string>();
    for (const s of staffOf(ev)) for (const c of s.competences ?? []) if (c.obtainedOn <= asOf) held.add(c.competence);
    return [...held].sort();
  },
  shareFteWithSupervision: (ev, asOf, p) =>
    shareOfFte(ev, (s) =>
      (s.supervision ?? []).some(
        (x) => (p.kind === undefined || x.kind === p.kind) && withinMonthsBefore(x.date, asOf, p.withinMonths as number),
      ),
    ),
  courseHoursPerFte: (ev, asOf, p) => {
    const total = totalFte(ev);
    if (total === 0) return 0;
    const hours = staffOf(ev)
      .flatMap((s) => s.courses ?? [])
      .filter((c) => withinMonthsBefore(c.completedOn, asOf, p.withinMonths as number))
      .reduce((sum, c) => sum + c.hours, 0);
    return round(hours / total);
  },
  advisoryFte: (ev) => fteWhere(ev, (s) => s.advisoryDuty === true),
  citizenCoursesStarted: (ev, asOf, p) => coursesStarted(ev, asOf, p.withinMonths as number, p.targetGroup),
  activeCitizenCourses: (ev, asOf) =>
    (ev.citizenCourses?.entries ?? []).filter((e) => e.startDate <= asOf && (e.endDate === undefined || e.endDate >= asOf)).length,
  citizenCourseTargetGroups: (ev, asOf) => {
    const groups = new Set<string>();
    for (const e of ev.citizenCourses?.entries ?? []) if (withinMonthsBefore(e.startDate, asOf, 36)) groups.add(e.targetGroup);
    for (const c of ev.citizenCourses?.counts ?? []) {
      if (c.started > 0 && withinMonthsBefore(c.periodEnd, asOf, 36)) groups.add(c.targetGroup);
    }
    return [...groups].sort();
  },
  validAgreements: (ev, asOf, p) => {
    const types = new Set(p.partnerTypes as string[]);
    return agreementsValidOn(ev, asOf, p.formalOnly !== false).filter((a) => types.has(a.partnerType)).length;
  },
  agreementPartnerTypes: (ev, asOf) => [...new Set(agreementsValidOn(ev, asOf, true).map((a) => a.partnerType))].sort(),
  methodFoundationDocumented: (ev) => ev.organisation?.methodFoundationDocumented,
  monthsSinceMethodReview: (ev, asOf) => monthsSince(ev.organisation?.methodFoundationReviewedOn, asOf),
  methodFoundationReviewedOn: (ev) => ev.organisation?.methodFoundationReviewedOn,
  methodsInUse: (ev) => (ev.organisation?.methods ? [...ev.organisation.methods].sort() : undefined),
  monthsSinceCompetencePlanUpdate: (ev, asOf) => monthsSince(ev.organisation?.competencePlanUpdatedOn, asOf),
  systematicOutcomeMeasurement: (ev) => ev.organisation?.systematicOutcomeMeasurement,
  userInvolvement: (ev) => ev.organisation?.userInvolvement,
  placesCapacity: (ev) => ev.provider.places,
  ownerType: (ev) => ev.provider.ownerType,
  socialtilsyn: (ev) => tilsynOf(ev.provider.kommunekode),
  evidenceAgeMonths: (ev, asOf) => wholeMonthsBetween(ev.reportingDate, asOf),
  offersOutreach: (ev) => ev.advisory?.outreach,
  advisoryResponseDays: (ev) => ev.advisory?.responseTimeDays,
  advisoryCases: (ev, asOf, p) =>
    (ev.advisory?.cases ?? []).filter(
      (c) => (p.recipientType === undefined || c.recipientType === p.recipientType) && withinMonthsBefore(c.startDate, asOf, p.withinMonths as number),
    ).length,
  knowledgeSharingActivities: (ev, asOf, p) => {
    const kinds = p.kinds === undefined ? undefined : new Set(p.kinds as string[]);
    return (ev.advisory?.knowledgeActivities ?? []).filter(
      (a) => (kinds === undefined || kinds.has(a.kind)) && withinMonthsBefore(a.date, asOf, p.withinMonths as number),
    ).length;
  },
};

function monthsSince(date: IsoDate | undefined, asOf: IsoDate): number | undefined {
  return date === undefined ? undefined : wholeMonthsBetween(date, asOf);
}

/** The evidence field a fact needs, read by its dotted path; undefined when absent. */
export function evidenceField(evidence: Evidence, dottedPath: string): unknown {
  let node: unknown = evidence;
  for (const key of dottedPath.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Derive one catalogue fact; undefined when the evidence the fact requires is absent. */
export function deriveFact(factId: string, evidence: Evidence, asOf: IsoDate, params: Params = {}): FactValue {
  const definition = factDefinition(factId);
  const derivation = DERIVATIONS[factId];
  if (!definition || !derivation) throw new Error(`no derivation for fact '${factId}'`);
  if (evidenceField(evidence, definition.requires) === undefined) return undefined;
  return derivation(evidence, asOf, params);
}

export function derivedFactIds(): string[] {
  return Object.keys(DERIVATIONS);
}
