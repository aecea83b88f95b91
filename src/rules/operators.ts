/**
 * What each operator of the rule format means, as plain functions of (fact value, required value).
 *
 * The rule format is json-rules-engine's, so these are its default operators with their fact-value
 * checks (a numeric comparison of something `parseFloat` cannot read is false; `contains` on a
 * non-array is false), plus the two date operators the format adds. The compiled evaluator uses them;
 * the differential test (test/evaluation/compiled.property.test.ts) holds them to json-rules-engine.
 */

export type Operator = (factValue: unknown, required: unknown) => boolean;

const isNumeric = (value: unknown): boolean => Number.parseFloat(value as string).toString() !== 'NaN';

// The engine's callbacks are untyped JavaScript: `<` and `indexOf` on whatever the values are.
type Loose = { indexOf(v: unknown): number };

export const OPERATORS: Readonly<Record<string, Operator>> = Object.freeze({
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as Loose).indexOf(a) > -1,
  notIn: (a, b) => (b as Loose).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => isNumeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => isNumeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => isNumeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => isNumeric(a) && (a as number) >= (b as number),
  dateOnOrAfter: (a, b) => typeof a === 'string' && typeof b === 'string' && a >= b,
  dateOnOrBefore: (a, b) => typeof a === 'string' && typeof b === 'string' && a <= b,
});

export function operatorOf(name: string): Operator | undefined {
  return Object.hasOwn(OPERATORS, name) ? OPERATORS[name] : undefined;
}

/** `$.<key>`: the only paths the format allows; the evaluator reads the key as an own property. */
export const KEY_PATH = /^\$\.[A-Za-z0-9_-]+$/;
