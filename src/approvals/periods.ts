/**
 * The period of a decision. An approval (or assignment) may confirm a period already begun, but not one that
 * began before the rule set version it rests on came into force, before the evidence it rests on was reported,
 * or more than MAX_MONTHS_BACK before the decision; it may begin at most MAX_MONTHS_AHEAD ahead, and not after
 * its evidence has gone out of date. It lasts at most the rule set's validityMonths and must include today.
 * Its first re-check is never in the past. Every refusal names the field (pointer) and carries a code.
 */
import type { InvalidParamError } from './errors';
import type { CodeWithStatus } from '../problems/codes';
import { addMonths, earlierOf, isIsoDate, type IsoDate } from '../time/dates';

/** How far ahead of the decision a period may begin. */
export const MAX_MONTHS_AHEAD = 12;
/** How far before the decision a period may begin (confirming one already begun). */
export const MAX_MONTHS_BACK = 3;

/** What a period's start is measured against. */
export interface PeriodBasis {
  today: IsoDate;
  /** The rule set version the decision rests on, and when it came into force. */
  rulesetVersion: string;
  effectiveFrom: IsoDate;
  /** The reporting date of the evidence the decision rests on. */
  reportingDate: IsoDate;
  /** The last day the evidence is current; an approval must begin by then (not checked for a rejection). */
  evidenceCurrentThrough?: IsoDate;
  /** A rådgivningsfunktion: the start of the specialfunktion it rests on. */
  specialfunktionFrom?: IsoDate;
}

const problem = (code: CodeWithStatus<422>, message: string): InvalidParamError => ({ pointer: '/validFrom', message, code });

/** Every reason `validFrom` cannot begin the period. */
export function validFromProblems(validFrom: IsoDate, basis: PeriodBasis): InvalidParamError[] {
  if (!isIsoDate(validFrom)) return [problem('invalid-date', 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)')];
  const found: InvalidParamError[] = [];
  if (validFrom < basis.effectiveFrom) {
    found.push(problem('valid-from-before-rule-set', `kan ikke ligge før ${basis.effectiveFrom}, hvor regelsættets version ${basis.rulesetVersion} trådte i kraft`));
  }
  if (validFrom < basis.reportingDate) {
    found.push(problem('valid-from-before-evidence', `kan ikke ligge før dokumentationens indberetningsdato ${basis.reportingDate}`));
  }
  if (basis.specialfunktionFrom !== undefined && validFrom < basis.specialfunktionFrom) {
    found.push(problem('valid-from-before-specialfunktion', `kan ikke ligge før ${basis.specialfunktionFrom}, hvor godkendelsen som specialfunktion begyndte`));
  }
  const earliest = addMonths(basis.today, -MAX_MONTHS_BACK);
  if (validFrom < earliest) {
    found.push(problem('valid-from-too-early', `må højst ligge ${MAX_MONTHS_BACK} måneder før afgørelsen (tidligst ${earliest})`));
  }
  const latest = addMonths(basis.today, MAX_MONTHS_AHEAD);
  if (validFrom > latest) {
    found.push(problem('valid-from-too-late', `må højst ligge ${MAX_MONTHS_AHEAD} måneder ude i fremtiden (senest ${latest})`));
  }
  if (basis.evidenceCurrentThrough !== undefined && validFrom > basis.evidenceCurrentThrough) {
    found.push(problem('valid-from-after-evidence-current', `dokumentationen er kun aktuel til og med ${basis.evidenceCurrentThrough}; godkendelsen skal begynde senest da`));
  }
  return found;
}

/** Every reason `validUntil` cannot end a period from `validFrom` of at most `months` months (ending by `maxUntil`). */
export function validUntilProblems(validFrom: IsoDate, validUntil: IsoDate, maxUntil: IsoDate, months: number): InvalidParamError[] {
  const at = (code: CodeWithStatus<422>, message: string): InvalidParamError => ({ pointer: '/validUntil', message, code });
  if (!isIsoDate(validUntil)) return [at('invalid-date', 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)')];
  if (!isIsoDate(validFrom)) return [];
  const found: InvalidParamError[] = [];
  if (validUntil < validFrom) found.push(at('valid-until-before-valid-from', `skal ligge efter gyldighedsperiodens start ${validFrom}`));
  if (validUntil > maxUntil) found.push(at('validity-too-long', `regelsættet tillader højst ${months} måneders gyldighed (senest ${maxUntil})`));
  return found;
}

/** An approval must be in force today or later: a period wholly in the past decides nothing. */
export function validUntilPastProblems(validUntil: IsoDate, today: IsoDate): InvalidParamError[] {
  return isIsoDate(validUntil) && validUntil < today
    ? [{ pointer: '/validUntil', message: `en godkendelse skal gælde i dag (${today}) eller senere`, code: 'valid-until-in-past' }]
    : [];
}

/** The first re-check: the rule set's interval after the start, by the end at the latest, and never before today. */
export function firstDueDate(validFrom: IsoDate, validUntil: IsoDate, recheckIntervalMonths: number, today: IsoDate): IsoDate {
  const due = earlierOf(addMonths(validFrom, recheckIntervalMonths), validUntil);
  return due < today ? today : due;
}
