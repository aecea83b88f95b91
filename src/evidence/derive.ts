import { tilsynOf } from '../geography';
import { addYears, lastMonthsBefore, wholeMonthsBetween, type IsoDate } from '../time/dates';
import { educationGroupOf, factDefinition, vocabulary } from './catalogue';
import type { Evidence, StaffMember } from './types';

/**
 * Derivation of catalogue facts from evidence: the one place where evidence becomes the numbers and sets
 * the rules compare. Each derivation matches the `derivation` text of its fact in schemas/fact-catalogue.json.
 * `undefined` means the fact cannot be derived (insufficient evidence).
 *
 * Evidence describes the provider on its `reportingDate`, so every window (competences within N years,
 * courses, supervision, citizen courses, advisory cases, knowledge activities, reviews, agreements in force)
 * counts back from the reporting date, never from the evaluation date: the same evidence gives the same
 * facts whenever it is evaluated. Only `evidenceAgeMonths` looks at the evaluation date (`asOf`); the
 * evidence's age alone says whether it is out of date. (Evaluator semantics 2, src/evaluation/semantics.ts.)
 */

export type FactValue = number | boolean | string | string[] | Record<string, number> | undefined;
type Params = Record<string, unknown>;
/** `asOf` is the evaluation date; only the evidence's age depends on it. */
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

/** A share of no FTE at all is missing (insufficient evidence), as the fact catalogue says, not 0 %. */
function shareOfFte(evidence: Evidence, predicate: (s: StaffMember) => boolean): number | undefined {
  const total = totalFte(evidence);
  return total === 0 ? undefined : round((100 * fteWhere(evidence, predicate)) / total);
}

/**
 * Whether a staff member holds the competence, obtained by the reporting date `on` and (with withinYears)
 * recently enough. (Evidence dated after its reporting date is refused at validation; the bounds stay for
 * evidence read back from before that check.)
 */
function competenceHeld(competence: string, on: IsoDate, withinYears: number | undefined): (s: StaffMember) => boolean {
  const earliest = withinYears === undefined ? '' : addYears(on, -withinYears);
  return (s) => (s.competences ?? []).some((c) => c.competence === competence && c.obtainedOn <= on && c.obtainedOn >= earliest);
}

function hasEducationIn(s: StaffMember, on: IsoDate, accept: (education: string) => boolean): boolean {
  const year = Number(on.slice(0, 4));
  return (s.educations ?? []).some((e) => e.year <= year && accept(e.education));
}

function agreementsValidOn(evidence: Evidence, on: IsoDate, formalOnly: boolean) {
  return (evidence.agreements ?? []).filter(
    (a) => a.validFrom <= on && (a.validTo === undefined || a.validTo >= on) && (a.formal || !formalOnly),
  );
}

function coursesStarted(evidence: Evidence, months: number, targetGroup: unknown): number {
  const on = evidence.reportingDate;
  const courses = evidence.citizenCourses ?? {};
  const inGroup = (g: string) => targetGroup === undefined || g === targetGroup;
  const inWindow = lastMonthsBefore(on, months);
  const fromEntries = (courses.entries ?? []).filter((e) => inGroup(e.targetGroup) && inWindow(e.startDate)).length;
  // A period count is only attributable to the window when the whole period lies inside it.
  const fromCounts = (courses.counts ?? [])
    .filter((c) => inGroup(c.targetGroup) && inWindow(c.periodStart) && c.periodEnd <= on)
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
  fteWithEducation: (ev, _asOf, p) => {
    const accepted = new Set(p.educations as string[]);
    return fteWhere(ev, (s) => hasEducationIn(s, ev.reportingDate, (e) => accepted.has(e)));
  },
  shareFteWithEducationGroup: (ev, _asOf, p) => {
    const groups = new Set(p.groups as string[]);
    return shareOfFte(ev, (s) => hasEducationIn(s, ev.reportingDate, (e) => groups.has(educationGroupOf(e) ?? '')));
  },
  fteWithCompetence: (ev, _asOf, p) => fteWhere(ev, competenceHeld(p.competence as string, ev.reportingDate, p.withinYears as number | undefined)),
  staffWithCompetence: (ev, _asOf, p) => staffOf(ev).filter(competenceHeld(p.competence as string, ev.reportingDate, p.withinYears as number | undefined)).length,
  staffCompetences: (ev) => {
    const held = new Set<string>();
    for (const s of staffOf(ev)) for (const c of s.competences ?? []) if (c.obtainedOn <= ev.reportingDate) held.add(c.competence);
    return [...held].sort();
  },
  shareFteWithSupervision: (ev, _asOf, p) => {
    const inWindow = lastMonthsBefore(ev.reportingDate, p.withinMonths as number);
    return shareOfFte(ev, (s) => (s.supervision ?? []).some((x) => (p.kind === undefined || x.kind === p.kind) && inWindow(x.date)));
  },
  courseHoursPerFte: (ev, _asOf, p) => {
    const total = totalFte(ev);
    if (total === 0) return 0;
    const inWindow = lastMonthsBefore(ev.reportingDate, p.withinMonths as number);
    let hours = 0;
    for (const s of staffOf(ev)) for (const c of s.courses ?? []) if (inWindow(c.completedOn)) hours += c.hours;
    return round(hours / total);
  },
  advisoryFte: (ev) => fteWhere(ev, (s) => s.advisoryDuty === true),
  citizenCoursesStarted: (ev, _asOf, p) => coursesStarted(ev, p.withinMonths as number, p.targetGroup),
  activeCitizenCourses: (ev) =>
    (ev.citizenCourses?.entries ?? []).filter((e) => e.startDate <= ev.reportingDate && (e.endDate === undefined || e.endDate >= ev.reportingDate)).length,
  citizenCourseTargetGroups: (ev) => {
    const groups = new Set<string>();
    const inWindow = lastMonthsBefore(ev.reportingDate, 36);
    for (const e of ev.citizenCourses?.entries ?? []) if (inWindow(e.startDate)) groups.add(e.targetGroup);
    for (const c of ev.citizenCourses?.counts ?? []) {
      if (c.started > 0 && inWindow(c.periodEnd)) groups.add(c.targetGroup);
    }
    return [...groups].sort();
  },
  validAgreements: (ev, _asOf, p) => {
    const types = new Set(p.partnerTypes as string[]);
    return agreementsValidOn(ev, ev.reportingDate, p.formalOnly !== false).filter((a) => types.has(a.partnerType)).length;
  },
  agreementPartnerTypes: (ev) => [...new Set(agreementsValidOn(ev, ev.reportingDate, true).map((a) => a.partnerType))].sort(),
  methodFoundationDocumented: (ev) => ev.organisation?.methodFoundationDocumented,
  monthsSinceMethodReview: (ev) => monthsSince(ev.organisation?.methodFoundationReviewedOn, ev.reportingDate),
  methodFoundationReviewedOn: (ev) => ev.organisation?.methodFoundationReviewedOn,
  methodsInUse: (ev) => (ev.organisation?.methods ? [...ev.organisation.methods].sort() : undefined),
  monthsSinceCompetencePlanUpdate: (ev) => monthsSince(ev.organisation?.competencePlanUpdatedOn, ev.reportingDate),
  systematicOutcomeMeasurement: (ev) => ev.organisation?.systematicOutcomeMeasurement,
  userInvolvement: (ev) => ev.organisation?.userInvolvement,
  placesCapacity: (ev) => ev.provider.places,
  ownerType: (ev) => ev.provider.ownerType,
  socialtilsyn: (ev) => tilsynOf(ev.provider.kommunekode),
  // The one fact that looks at the evaluation date.
  evidenceAgeMonths: (ev, asOf) => wholeMonthsBetween(ev.reportingDate, asOf),
  offersOutreach: (ev) => ev.advisory?.outreach,
  advisoryResponseDays: (ev) => ev.advisory?.responseTimeDays,
  advisoryCases: (ev, _asOf, p) => {
    const inWindow = lastMonthsBefore(ev.reportingDate, p.withinMonths as number);
    return (ev.advisory?.cases ?? []).filter((c) => (p.recipientType === undefined || c.recipientType === p.recipientType) && inWindow(c.startDate)).length;
  },
  knowledgeSharingActivities: (ev, _asOf, p) => {
    const kinds = p.kinds === undefined ? undefined : new Set(p.kinds as string[]);
    const inWindow = lastMonthsBefore(ev.reportingDate, p.withinMonths as number);
    return (ev.advisory?.knowledgeActivities ?? []).filter((a) => (kinds === undefined || kinds.has(a.kind)) && inWindow(a.date)).length;
  },
};

function monthsSince(date: IsoDate | undefined, on: IsoDate): number | undefined {
  return date === undefined ? undefined : wholeMonthsBetween(date, on);
}

/** Per fact, its derivation and the path of the evidence field it requires, split once. */
const DERIVABLE = new Map<string, { derive: Derivation; requires: string[] }>();
for (const [id, derive] of Object.entries(DERIVATIONS)) {
  const definition = factDefinition(id);
  if (definition) DERIVABLE.set(id, { derive, requires: definition.requires.split('.') });
}

/** The evidence field at a path; undefined when absent. */
function fieldAt(evidence: Evidence, path: readonly string[]): unknown {
  let node: unknown = evidence;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Derive one catalogue fact (`asOf`: the evaluation date, for the evidence's age); undefined when the evidence the fact requires is absent. */
export function deriveFact(factId: string, evidence: Evidence, asOf: IsoDate, params: Params = {}): FactValue {
  const derivable = DERIVABLE.get(factId);
  if (!derivable) throw new Error(`no derivation for fact '${factId}'`);
  if (fieldAt(evidence, derivable.requires) === undefined) return undefined;
  return derivable.derive(evidence, asOf, params);
}

/**
 * One catalogue fact with its params bound, for an evaluator that resolves the fact once and then derives
 * it per evaluation; undefined for a fact without a derivation. Same values as deriveFact.
 */
export function derivationOf(factId: string, params: Params = {}): ((evidence: Evidence, asOf: IsoDate) => FactValue) | undefined {
  const derivable = DERIVABLE.get(factId);
  if (!derivable) return undefined;
  const { derive, requires } = derivable;
  return (evidence, asOf) => (fieldAt(evidence, requires) === undefined ? undefined : derive(evidence, asOf, params));
}

export function derivedFactIds(): string[] {
  return Object.keys(DERIVATIONS);
}
