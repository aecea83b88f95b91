import type { IsoDate } from '../time/dates';
import { describeSummary } from './explain';
import { evidenceCurrentThrough } from './currency';
import type { EvaluationResult } from './types';

/**
 * Whether an evaluation can be the ground of an approval today, and what stands in the way. It depends on
 * the day it is asked (evidence goes out of date, another version comes into force), so it is worked out
 * whenever an evaluation is shown, not only when it is stored.
 */

export const BLOCKER_CODES = [
  'requirements-not-met',
  'requirements-lacking-evidence',
  'evidence-out-of-date',
  'version-not-in-force',
  'evidence-dates-invalid',
] as const;
export type BlockerCode = (typeof BLOCKER_CODES)[number];

export interface Blocker {
  code: BlockerCode;
  /** A Danish sentence for people; programs go by the code. */
  message: string;
}

export interface ReadinessContext {
  /** The day asked about: today when shown or decided on. */
  today: IsoDate;
  /** The version of the speciale in force today; null when none is. */
  versionInForce: string | null;
  /** Problems with the evidence's dates (evaluations stored before they were checked), e.g. from evidenceDateProblems. */
  evidenceDateProblems?: readonly { pointer: string; message: string }[];
}

export interface Readiness {
  /** True only when eligible, on evidence current today, under the version in force today. */
  approvable: boolean;
  blockers: Blocker[];
  /** The summary sentence, which says the same. */
  summary: string;
}

type Assessed = Pick<
  EvaluationResult,
  'speciale' | 'level' | 'rulesetVersion' | 'overall' | 'evidence' | 'unmetRequired' | 'insufficientRequired' | 'requirements'
>;

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export function readinessOf(result: Assessed, context: ReadinessContext): Readiness {
  const blockers: Blocker[] = [];
  const { unmetRequired: unmet, insufficientRequired: lacking } = result;
  if (unmet.length > 0) {
    blockers.push({
      code: 'requirements-not-met',
      message: `${unmet.length} ${plural(unmet.length, 'påkrævet krav er', 'påkrævede krav er')} ikke opfyldt: ${unmet.join(', ')}.`,
    });
  }
  if (lacking.length > 0) {
    blockers.push({
      code: 'requirements-lacking-evidence',
      message: `Der mangler dokumentation for ${lacking.length} ${plural(lacking.length, 'påkrævet krav', 'påkrævede krav')}: ${lacking.join(', ')}.`,
    });
  }
  const { reportingDate, maxAgeMonths } = result.evidence;
  const through = evidenceCurrentThrough(reportingDate, maxAgeMonths);
  if (context.today > through) {
    blockers.push({
      code: 'evidence-out-of-date',
      message: `Dokumentationen (indberettet ${reportingDate}) var kun aktuel til og med ${through} (højst ${maxAgeMonths} måneder); indhent ny dokumentation og evaluér igen.`,
    });
  }
  if (context.versionInForce !== result.rulesetVersion) {
    blockers.push({
      code: 'version-not-in-force',
      message:
        context.versionInForce === null
          ? `Ingen udgivet version af ${result.speciale} gælder i dag (${context.today}); version ${result.rulesetVersion} kan ikke danne grundlag for en godkendelse.`
          : `Version ${result.rulesetVersion} er ikke den version af ${result.speciale}, der gælder i dag (${context.today}: version ${context.versionInForce}); evaluér igen efter den gældende version.`,
    });
  }
  const dateProblems = context.evidenceDateProblems ?? [];
  if (dateProblems.length > 0) {
    const first = dateProblems[0];
    blockers.push({
      code: 'evidence-dates-invalid',
      message: `Dokumentationens datoer holder ikke (${dateProblems.length} ${plural(dateProblems.length, 'fejl', 'fejl')}, fx ${first.pointer}: ${first.message}); indhent rettet dokumentation og evaluér igen.`,
    });
  }
  const approvable = result.overall === 'eligible' && blockers.length === 0;
  return { approvable, blockers, summary: describeSummary(result, approvable, blockers) };
}
