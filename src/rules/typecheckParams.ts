import type { ErrorObject, ValidateFunction } from 'ajv';
import { paramVocabulary, resolvedParamsSchema, vocabulary, type FactDefinition } from '../evidence/catalogue';
import { describeSchemaError, escapePointer, schemaAjv, type Problem } from '../schemas';
import { closest } from '../evidence/suggest';
import { list, show } from './typecheckWords';
import type { LeafCondition } from './types';

/** Type-checks a condition's params against its fact's params schema, with a Danish message per problem. */

// Each fact's params schema is compiled once, on the service's one Ajv instance.
const paramValidators = new Map<string, ValidateFunction>();

function paramsValidator(fact: FactDefinition): ValidateFunction | undefined {
  let fn = paramValidators.get(fact.id);
  if (!fn) {
    const schema = resolvedParamsSchema(fact);
    if (!schema) return undefined;
    fn = schemaAjv().compile(schema);
    paramValidators.set(fact.id, fn);
  }
  return fn;
}

export function checkParams(leaf: LeafCondition, fact: FactDefinition, pointer: string): Problem[] {
  const validate = paramsValidator(fact);
  if (!validate) {
    if (leaf.params === undefined) return [];
    return [{ pointer: `${pointer}/params`, code: 'params-not-allowed', message: `faktum '${fact.id}' tager ingen params; fjern "params"` }];
  }
  const params = leaf.params ?? {};
  if (validate(params)) return [];
  const at = leaf.params === undefined ? pointer : `${pointer}/params`;
  return (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => paramProblem(e, fact, params, at));
}

function paramProblem(error: ErrorObject, fact: FactDefinition, params: Record<string, unknown>, at: string): Problem {
  const pointer = `${at}${error.instancePath}`;
  const name = error.instancePath.split('/')[1];
  const value = valueAt(params, error.instancePath);
  const where = name ? `param '${unescape(name)}' til faktum '${fact.id}'` : `params til faktum '${fact.id}'`;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { pointer, code: 'param-missing', message: `faktum '${fact.id}' kræver param '${missing}'; tilføj fx "${missing}": ${show(exampleParam(fact, missing))} under "params"` };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((fact.params?.properties ?? {}) as Record<string, unknown>);
      const guess = closest(extra, allowed);
      return {
        pointer: `${pointer}/${escapePointer(extra)}`,
        code: 'param-unknown', message: `faktum '${fact.id}' kender ikke param '${extra}'; ${guess ? `mente du '${guess}'? ` : ''}tilladte params: ${list(allowed)}`,
      };
    }
    case 'enum': {
      const vocab = name ? paramVocabulary(fact, unescape(name)) : undefined;
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      const what = vocab ? `er ikke en værdi i ordlisten ${vocab}` : `er ikke tilladt i ${where}`;
      return { pointer, code: 'param-not-in-vocabulary', message: `${show(value)} ${what}; ${guess ? `mente du '${guess}'? ` : ''}brug en af: ${list(allowed)}` };
    }
    case 'type': {
      const expected = (error.params as { type: string }).type;
      const words: Record<string, string> = { integer: 'et helt tal', number: 'et tal', string: 'en tekst i "…"', boolean: 'true eller false', array: 'en liste, fx ["…"]', object: 'et objekt' };
      return { pointer, code: 'param-wrong-type', message: `${show(value)} passer ikke som ${where}; angiv ${words[expected] ?? expected}` };
    }
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      return { pointer, code: 'param-out-of-range', message: `${where} skal være ${error.keyword === 'minimum' ? 'mindst' : 'højst'} ${limit}, ikke ${show(value)}` };
    }
    case 'minItems':
      return { pointer, code: 'param-empty-list', message: `listen i ${where} må ikke være tom; angiv mindst én værdi` };
    case 'uniqueItems': {
      const { j } = error.params as { i: number; j: number };
      return { pointer, code: 'param-repeated', message: `${show((value as unknown[])[j])} står flere gange i ${where}; fjern gentagelsen` };
    }
    default:
      return { pointer, code: 'invalid-param', message: `${where}: ${describeSchemaError(error).message}` };
  }
}

function exampleParam(fact: FactDefinition, name: string): unknown {
  const property = ((fact.params?.properties ?? {}) as Record<string, Record<string, unknown>>)[name] ?? {};
  const vocab = paramVocabulary(fact, name);
  const first = vocab ? vocabulary(vocab)[0]?.id : undefined;
  if (property.type === 'array') return [first ?? '…'];
  if (first) return first;
  if (Array.isArray(property.enum)) return property.enum[0];
  if (property.type === 'integer' || property.type === 'number') return (property.minimum as number | undefined) ?? 1;
  if (property.type === 'boolean') return true;
  return '…';
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[unescape(segment)];
  }
  return node;
}
