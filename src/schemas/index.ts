import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import caseSchema from '../../schemas/case.schema.json';
import evidenceSchema from '../../schemas/evidence.schema.json';
import rulesetSchema from '../../schemas/ruleset.schema.json';
import { schemaProblems, type Problem } from './messages';

export { describeSchemaError, escapePointer, pointerOf, schemaProblems, SCHEMA_ERROR_CODES, type Problem, type SchemaErrorCode, type SchemaProblem } from './messages';

export type SchemaName = 'ruleset' | 'evidence' | 'case';

/** A problem whose code is known (every schema error's is, from the one message table). */
export type CodedProblem = Problem & { code: string };

const SCHEMAS = {
  ruleset: rulesetSchema,
  evidence: evidenceSchema,
  case: caseSchema,
} as const;

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

/**
 * The one Ajv instance of the service: the schemas in schemas/, openapi.yaml's request and response
 * schemas, the fact catalogue's param schemas and the config/export schemas are all compiled on it,
 * once each, and reused. Strict, so a misspelt keyword fails at compile time; types are not strict,
 * since the schemas use `if`/`then` on properties typed elsewhere.
 */
export function schemaAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    // The custom keyword the fact catalogue uses in param schemas; resolved before compiling.
    ajv.addKeyword({ keyword: 'vocabulary', schemaType: 'string' });
    // openapi.yaml is added whole (its subschemas are compiled here too): OpenAPI's own fields are
    // annotations to ajv, never validated.
    ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']);
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

/** Validate against a named schema and report every error (not just the first), each with pointer, code and Danish message. */
export function validateAgainst(name: SchemaName, value: unknown): CodedProblem[] {
  const fn = schemaValidator(name);
  if (fn(value)) return [];
  return schemaProblems(fn.errors);
}

export { caseSchema, evidenceSchema, rulesetSchema };
