import type { ConditionOutcome, ConditionResult, RequirementOutcome } from './types';

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
