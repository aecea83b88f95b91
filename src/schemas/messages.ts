/**
 * The one Danish message table for schema errors: every ajv error, whichever schema (rule files,
 * evidence, cases, openapi.yaml's request schemas, config files), becomes a pointer, a stable
 * kebab-case code and a Danish sentence. Messages never repeat the rejected value (it may be
 * personal data); they name what is allowed.
 */
import type { ErrorObject } from 'ajv';

/** One path-and-message problem, the shape every validator in the service reports. */
export interface Problem {
  /** JSON Pointer into the validated document ('' for the root). */
  pointer: string;
  message: string;
  /** A stable kebab-case code, where the check has one (e.g. `dated-after-reporting-date`). */
  code?: string;
}

/** A schema error: always with a code. */
export interface SchemaProblem extends Problem {
  code: SchemaErrorCode;
}

export const SCHEMA_ERROR_CODES = [
  'required-property-missing',
  'unknown-property',
  'wrong-type',
  'value-not-allowed',
  'pattern-mismatch',
  'format-mismatch',
  'too-short',
  'too-long',
  'below-minimum',
  'above-maximum',
  'not-a-multiple',
  'too-few-items',
  'too-many-items',
  'duplicate-items',
  'too-few-properties',
  'too-many-properties',
  'invalid-property-name',
  'dependent-property-missing',
  'missing-required-item',
  'no-matching-alternative',
  'several-matching-alternatives',
  'forbidden-form',
  'invalid-value',
] as const;
export type SchemaErrorCode = (typeof SCHEMA_ERROR_CODES)[number];

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const TYPE_NAMES: Record<string, string> = {
  string: 'en tekst',
  integer: 'et helt tal',
  number: 'et tal',
  boolean: 'true eller false',
  object: 'et objekt',
  array: 'en liste',
  null: 'null',
};

function typeName(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' eller ');
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function plural(n: unknown, one: string, many: string): string {
  return `${String(n)} ${n === 1 ? one : many}`;
}

const FORMATS: Record<string, string> = {
  date: 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)',
  'date-time': 'skal være et gyldigt tidspunkt (ISO 8601, fx 2026-03-01T12:00:00Z)',
  uri: 'skal være en gyldig URI',
  email: 'skal være en gyldig e-mailadresse',
  uuid: 'skal være en gyldig UUID',
};

type Params = Record<string, unknown>;
type Entry = { code: SchemaErrorCode; message: (p: Params) => string };

/** ajv keyword → code and Danish message. Keywords not listed fall back to `invalid-value`. */
const TABLE: Record<string, Entry> = {
  required: { code: 'required-property-missing', message: () => 'påkrævet felt mangler' },
  additionalProperties: { code: 'unknown-property', message: () => 'feltet er ikke tilladt her' },
  unevaluatedProperties: { code: 'unknown-property', message: () => 'feltet er ikke tilladt her' },
  type: { code: 'wrong-type', message: (p) => `skal være ${typeName(p.type)}` },
  enum: { code: 'value-not-allowed', message: (p) => `skal være en af: ${(p.allowedValues as unknown[]).map(shown).join(', ')}` },
  const: { code: 'value-not-allowed', message: (p) => `skal være ${shown(p.allowedValue)}` },
  'false schema': { code: 'value-not-allowed', message: () => 'er ikke tilladt her' },
  pattern: { code: 'pattern-mismatch', message: (p) => `skal matche ${String(p.pattern)}` },
  format: { code: 'format-mismatch', message: (p) => FORMATS[String(p.format)] ?? `skal have formatet ${String(p.format)}` },
  minLength: { code: 'too-short', message: (p) => (p.limit === 1 ? 'må ikke være tom' : `skal være mindst ${String(p.limit)} tegn`) },
  maxLength: { code: 'too-long', message: (p) => `må højst være ${String(p.limit)} tegn` },
  minimum: { code: 'below-minimum', message: (p) => `skal være mindst ${String(p.limit)}` },
  exclusiveMinimum: { code: 'below-minimum', message: (p) => `skal være større end ${String(p.limit)}` },
  maximum: { code: 'above-maximum', message: (p) => `må højst være ${String(p.limit)}` },
  exclusiveMaximum: { code: 'above-maximum', message: (p) => `skal være mindre end ${String(p.limit)}` },
  multipleOf: { code: 'not-a-multiple', message: (p) => `skal være et multiplum af ${String(p.multipleOf)}` },
  minItems: { code: 'too-few-items', message: (p) => (p.limit === 1 ? 'listen må ikke være tom' : `skal have mindst ${plural(p.limit, 'element', 'elementer')}`) },
  maxItems: { code: 'too-many-items', message: (p) => `må højst have ${plural(p.limit, 'element', 'elementer')}` },
  additionalItems: { code: 'too-many-items', message: (p) => `må højst have ${plural(p.limit, 'element', 'elementer')}` },
  unevaluatedItems: { code: 'too-many-items', message: (p) => `må højst have ${plural(p.len, 'element', 'elementer')}` },
  uniqueItems: { code: 'duplicate-items', message: (p) => `må ikke indeholde dubletter (element ${String(p.j)} og ${String(p.i)} er ens)` },
  minProperties: { code: 'too-few-properties', message: (p) => `skal have mindst ${plural(p.limit, 'felt', 'felter')}` },
  maxProperties: { code: 'too-many-properties', message: (p) => `må højst have ${plural(p.limit, 'felt', 'felter')}` },
  propertyNames: { code: 'invalid-property-name', message: () => 'har et feltnavn, der ikke er tilladt' },
  dependentRequired: { code: 'dependent-property-missing', message: (p) => `feltet '${String(p.missingProperty)}' skal angives sammen med '${String(p.property)}'` },
  dependencies: { code: 'dependent-property-missing', message: (p) => `feltet '${String(p.missingProperty)}' skal angives sammen med '${String(p.property)}'` },
  contains: { code: 'missing-required-item', message: (p) => (p.minContains === undefined || p.minContains === 1 ? 'mangler et element af den krævede slags' : `skal have mindst ${String(p.minContains)} elementer af den krævede slags`) },
  anyOf: { code: 'no-matching-alternative', message: () => 'har ikke nogen af de tilladte former' },
  oneOf: {
    code: 'no-matching-alternative',
    message: (p) => (Array.isArray(p.passingSchemas) ? 'passer på flere af de tilladte former; den skal passe på præcis én' : 'har ikke nogen af de tilladte former'),
  },
  not: { code: 'forbidden-form', message: () => 'har en form, der ikke er tilladt her' },
};

const FALLBACK: Entry = { code: 'invalid-value', message: () => 'er ugyldig' };

/** Where an ajv error is: for a missing or unknown property, the property itself. */
export function pointerOf(error: ErrorObject): string {
  const p = error.params as Params;
  const property =
    error.keyword === 'required' || error.keyword === 'dependentRequired' || error.keyword === 'dependencies'
      ? p.missingProperty
      : error.keyword === 'additionalProperties'
        ? p.additionalProperty
        : error.keyword === 'unevaluatedProperties'
          ? p.unevaluatedProperty
          : undefined;
  return typeof property === 'string' ? `${error.instancePath}/${escapePointer(property)}` : error.instancePath;
}

/** One ajv error as a pointer, a code and a Danish message. */
export function describeSchemaError(error: ErrorObject): SchemaProblem {
  const entry = TABLE[error.keyword] ?? FALLBACK;
  const oneOfSeveral = error.keyword === 'oneOf' && Array.isArray((error.params as Params).passingSchemas);
  return { pointer: pointerOf(error), code: oneOfSeveral ? 'several-matching-alternatives' : entry.code, message: entry.message(error.params as Params) };
}

/**
 * Ajv's errors as problems: without duplicates, without the `if`/`$ref` bookkeeping errors, and
 * without an `anyOf`/`oneOf` summary where a more specific error names the same place or one inside it.
 */
export function schemaProblems(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const list = (errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== '$ref');
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of list) {
    if ((error.keyword === 'anyOf' || error.keyword === 'oneOf') && list.some((other) => other !== error && other.keyword !== 'anyOf' && other.keyword !== 'oneOf' && within(other.instancePath, error.instancePath))) {
      continue;
    }
    const problem = describeSchemaError(error);
    const key = `${problem.pointer}\u0000${problem.code}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

function within(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}
