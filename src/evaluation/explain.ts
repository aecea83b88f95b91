import { LEVEL_TITLES } from '../rules/types';
import type { ConditionOutcome, ConditionResult, EvaluationResult, RequirementOutcome } from './types';

const FLIPPED: Record<ConditionOutcome, ConditionOutcome> = { met: 'not-met', 'not-met': 'met', missing: 'missing' };

/**
 * The Danish sentence for one requirement: the verdict, then the conditions that decided it.
 * `transitionEndsOn` is set (null when unknown) for a requirement in a running transition period.
 * `negated[i]` marks a leaf under `not`: it decides a requirement that is not met by being met.
 */
export function describeRequirementSentence(
  outcome: RequirementOutcome,
  leaves: ConditionResult[],
  transitionEndsOn?: string | null,
  negated: readonly boolean[] = [],
): string {
  const deciding: ConditionOutcome = outcome === 'met' ? 'met' : outcome === 'not-met' ? 'not-met' : 'missing';
  let sentence =
    outcome === 'met' ? 'Opfyldt.' : outcome === 'not-met' ? 'Ikke opfyldt.' : 'Kan ikke vurderes: der mangler dokumentation.';
  leaves.forEach((leaf, i) => {
    if ((negated[i] ? FLIPPED[leaf.outcome] : leaf.outcome) !== deciding) return;
    // The leaf's own text says whether its condition holds; under `not` the requirement is that it does not.
    sentence += negated[i] && leaf.outcome !== 'missing' ? ` Kravet er, at dette ikke gælder: ${leaf.explanation}` : ` ${leaf.explanation}`;
  });
  const transition =
    transitionEndsOn === undefined
      ? ''
      : ` Kravet er nyt eller skærpet og tæller først med efter overgangsperioden${transitionEndsOn ? ` (til og med ${transitionEndsOn})` : ''}.`;
  return sentence + transition;
}

type Summarised = Pick<EvaluationResult, 'speciale' | 'level' | 'rulesetVersion' | 'overall' | 'unmetRequired' | 'insufficientRequired' | 'requirements'>;

/**
 * The summary of an evaluation: the requirements not met and those lacking evidence, each named, then
 * whether it can be the ground of an approval today and, if not, what else stands in the way (the same
 * blockers the evaluation lists), so the summary, the report's banner and `approvable` agree.
 */
export function describeSummary(result: Summarised, approvable: boolean, blockers: readonly { code: string; message: string }[]): string {
  const required = result.requirements.filter((r) => r.severity === 'required' && !r.transitional).length;
  const unmet = result.unmetRequired;
  const lacking = result.insufficientRequired;
  const what = `${LEVEL_TITLES[result.level].toLowerCase()} (${result.speciale}, version ${result.rulesetVersion})`;
  let text: string;
  if (result.overall === 'eligible') text = `Tilbuddet opfylder alle ${required} påkrævede krav til ${what}.`;
  else if (result.overall === 'not-eligible') {
    text = `Tilbuddet opfylder ikke ${unmet.length} af ${required} påkrævede krav til ${what}: ${unmet.join(', ')}.`;
    if (lacking.length > 0) text += ` Der mangler desuden dokumentation for ${lacking.length}: ${lacking.join(', ')}.`;
  } else text = `Der mangler dokumentation for ${lacking.length} af ${required} påkrævede krav til ${what}: ${lacking.join(', ')}.`;
  if (approvable) return `${text} Evalueringen kan danne grundlag for en godkendelse.`;
  const others = blockers.filter((b) => b.code !== 'requirements-not-met' && b.code !== 'requirements-lacking-evidence');
  return others.length === 0
    ? `${text} Evalueringen kan ikke danne grundlag for en godkendelse.`
    : `${text} Evalueringen kan ikke danne grundlag for en godkendelse i dag: ${others.map((b) => b.message).join(' ')}`;
}
