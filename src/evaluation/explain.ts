import type { ConditionResult, RequirementOutcome } from './types';

/**
 * The Danish sentence for one requirement: the verdict, then the conditions that decided it.
 * `transitionEndsOn` is set (null when unknown) for a requirement in a running transition period.
 */
export function describeRequirementSentence(outcome: RequirementOutcome, leaves: ConditionResult[], transitionEndsOn?: string | null): string {
  const deciding = leaves.filter((l) =>
    outcome === 'met' ? l.outcome === 'met' : outcome === 'not-met' ? l.outcome === 'not-met' : l.outcome === 'missing',
  );
  const verdict =
    outcome === 'met' ? 'Opfyldt.' : outcome === 'not-met' ? 'Ikke opfyldt.' : 'Kan ikke vurderes: der mangler dokumentation.';
  const transition =
    transitionEndsOn === undefined
      ? ''
      : ` Kravet er nyt eller skærpet og tæller først med efter overgangsperioden${transitionEndsOn ? ` (til og med ${transitionEndsOn})` : ''}.`;
  return [verdict, ...deciding.map((l) => l.explanation)].join(' ') + transition;
}
