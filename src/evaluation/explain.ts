import type { ConditionOutcome, ConditionResult, RequirementOutcome } from './types';

/**
 * The Danish sentence for one requirement: the verdict, then the conditions that decided it.
 * `transitionEndsOn` is set (null when unknown) for a requirement in a running transition period.
 */
export function describeRequirementSentence(outcome: RequirementOutcome, leaves: ConditionResult[], transitionEndsOn?: string | null): string {
  const deciding: ConditionOutcome = outcome === 'met' ? 'met' : outcome === 'not-met' ? 'not-met' : 'missing';
  let sentence =
    outcome === 'met' ? 'Opfyldt.' : outcome === 'not-met' ? 'Ikke opfyldt.' : 'Kan ikke vurderes: der mangler dokumentation.';
  for (const leaf of leaves) if (leaf.outcome === deciding) sentence += ` ${leaf.explanation}`;
  const transition =
    transitionEndsOn === undefined
      ? ''
      : ` Kravet er nyt eller skærpet og tæller først med efter overgangsperioden${transitionEndsOn ? ` (til og med ${transitionEndsOn})` : ''}.`;
  return sentence + transition;
}
