import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import caseSchema from '../../schemas/case.schema.json';
import evidenceSchema from '../../schemas/evidence.schema.json';
import rulesetSchema from '../../schemas/ruleset.schema.json';

/** One path-and-message problem, the shape every validator in the service reports. */
export interface Problem {
  /** JSON Pointer into the validated document ('' for the root). */
  pointer: string;
  message: string;
  /** A stable kebab-case code, where the check has one (e.g. `dated-after-reporting-date`). */
  code?: string;
}

export type SchemaName = 'ruleset' | 'evidence' | 'case';

const SCHEMAS = {
  ruleset: rulesetSchema,
  evidence: evidenceSchema,
  case: caseSchema,
} as const;

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

/** The one Ajv instance: every schema in schemas/ is added once, compiled on first use and reused. */
export function schemaAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
    addFormats(ajv, ['date', 'date-time']);
    // The custom keyword the fact catalogue uses in param schemas; resolved before compiling.
    ajv.addKeyword({ keyword: 'vocabulary', schemaType: 'string' });
    for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
  }
  return ajv;
}

export function schemaValidator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    fn = schemaAjv().getSchema(SCHEMAS[name].$id) as ValidateFunction;
    compiled.set(name, fn);
  }
  return fn;
}

/** A problem whose code is known: a schema error's is its keyword's (`required`, `additional-properties`, …). */
export type CodedProblem = Problem & { code: string };

/** Validate against a named schema and report every error (not just the first). */
export function validateAgainst(name: SchemaName, value: unknown): CodedProblem[] {
  const fn = schemaValidator(name);
  if (fn(value)) return [];
  return (fn.errors ?? []).filter(keepError).map(toProblem);
}

// if/then/else and oneOf add a summary error on top of the specific one underneath; keep the specific one.
function keepError(error: ErrorObject): boolean {
  return error.keyword !== 'if' && error.keyword !== 'oneOf' && error.keyword !== 'anyOf';
}

/** `additionalProperties` → `additional-properties`: the code of a schema error is its keyword's. */
export function keywordCode(keyword: string): string {
  return keyword.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function toProblem(error: ErrorObject): CodedProblem {
  return { ...uncodedProblem(error), code: keywordCode(error.keyword) };
}

function uncodedProblem(error: ErrorObject): Problem {
  const pointer = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { pointer, message: `mangler det påkrævede felt '${(error.params as { missingProperty: string }).missingProperty}'` };
    case 'additionalProperties':
      return {
        pointer: `${pointer}/${escapePointer((error.params as { additionalProperty: string }).additionalProperty)}`,
        message: 'feltet er ikke tilladt her (unknown property)',
      };
    case 'enum':
      return { pointer, message: `skal være en af: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { pointer, message: `skal være ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
    case 'format':
      return { pointer, message: `skal have formatet ${(error.params as { format: string }).format} (fx 2026-03-01)` };
    default:
      return { pointer, message: error.message ?? 'ugyldig værdi' };
  }
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export { caseSchema, evidenceSchema, rulesetSchema };
