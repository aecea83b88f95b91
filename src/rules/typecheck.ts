import type { ErrorObject, ValidateFunction } from 'ajv';
import {
  allFacts,
  factDefinition,
  isInVocabulary,
  knownOperators,
  operatorsFor,
  paramVocabulary,
  resolvedParamsSchema,
  vocabulary,
  type FactDefinition,
  type ScalarFactType,
  type VocabularyName,
} from '../evidence/catalogue';
import { describeSchemaError, escapePointer, schemaAjv, type Problem } from '../schemas';
import { closest } from './suggest';
import { isLeaf, LEVELS, type Condition, type LeafCondition, type Ruleset } from './types';

/**
 * Type-checks every condition of a rule set against the fact catalogue (schemas/fact-catalogue.json).
 * Each problem points at the offending node and says what is wrong and how to fix it.
 * Assumes the rule set passed the JSON Schema.
 */
export function typecheckRuleset(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  for (const level of LEVELS) {
    const requirements = ruleset.levels?.[level]?.requirements ?? [];
    requirements.forEach((requirement, i) => {
      walk(requirement.conditions, `/levels/${level}/requirements/${i}/conditions`, problems);
    });
  }
  return problems;
}

/** Type-check one condition tree; `pointer` is where the tree sits in its document. */
export function typecheckCondition(condition: Condition, pointer: string): Problem[] {
  const problems: Problem[] = [];
  walk(condition, pointer, problems);
  return problems;
}

function walk(condition: Condition, pointer: string, problems: Problem[]): void {
  if (condition === null || typeof condition !== 'object') return;
  if (isLeaf(condition)) {
    problems.push(...typecheckLeaf(condition, pointer));
    return;
  }
  if ('all' in condition && Array.isArray(condition.all)) condition.all.forEach((c, i) => walk(c, `${pointer}/all/${i}`, problems));
  else if ('any' in condition && Array.isArray(condition.any)) condition.any.forEach((c, i) => walk(c, `${pointer}/any/${i}`, problems));
  else if ('not' in condition) walk(condition.not, `${pointer}/not`, problems);
}

const list = (items: readonly string[]) => items.join(', ');
const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/** The type a fact's values have: for an object fact read with a path, the type of its entries. */
function comparedType(fact: FactDefinition): ScalarFactType | undefined {
  return fact.type === 'object' ? fact.valueType : fact.type;
}

export function typecheckLeaf(leaf: LeafCondition, pointer: string): Problem[] {
  const problems: Problem[] = [];
  const fact = factDefinition(leaf.fact);
  if (!fact) {
    const guess = closest(leaf.fact, allFacts().map((f) => f.id));
    problems.push({
      pointer: `${pointer}/fact`,
      message: `ukendt faktum '${leaf.fact}'; ${guess ? `mente du '${guess}'? ` : ''}brug et faktum fra faktakataloget (schemas/fact-catalogue.json)`,
    });
    if (!knownOperators().has(leaf.operator)) problems.push(unknownOperator(leaf.operator, pointer, [...knownOperators()]));
    return problems;
  }

  const type = comparedType(fact);
  let operatorOk = true;
  if (type) {
    const allowed = operatorsFor(type);
    if (!knownOperators().has(leaf.operator)) {
      problems.push(unknownOperator(leaf.operator, pointer, allowed));
      operatorOk = false;
    } else if (!allowed.includes(leaf.operator)) {
      problems.push({
        pointer: `${pointer}/operator`,
        message: `operator '${leaf.operator}' passer ikke til faktum '${fact.id}' (${type}); brug en af: ${list(allowed)}`,
      });
      operatorOk = false;
    }
  }

  problems.push(...checkPath(leaf, fact, pointer));
  problems.push(...checkParams(leaf, fact, pointer));
  if (operatorOk && type) problems.push(...checkValue(leaf, fact, type, pointer));
  return problems;
}

function unknownOperator(operator: string, pointer: string, allowed: readonly string[]): Problem {
  const guess = closest(operator, allowed);
  return {
    pointer: `${pointer}/operator`,
    message: `ukendt operator '${operator}'; ${guess ? `mente du '${guess}'? ` : ''}brug en af: ${list(allowed)}`,
  };
}

function checkPath(leaf: LeafCondition, fact: FactDefinition, pointer: string): Problem[] {
  if (fact.type !== 'object') {
    if (leaf.path === undefined) return [];
    return [{ pointer: `${pointer}/path`, message: `faktum '${fact.id}' (${fact.type}) har ingen felter at vælge med path; fjern "path"` }];
  }
  const keys = fact.pathVocabulary ? vocabulary(fact.pathVocabulary).map((e) => e.id) : [];
  const example = `"$.${keys[0] ?? 'nøgle'}"`;
  if (leaf.path === undefined) {
    return [{ pointer, message: `faktum '${fact.id}' er et objekt og kræver en path, der vælger én værdi, fx "path": ${example}` }];
  }
  const match = /^\$\.([A-Za-z0-9_-]+)$/.exec(leaf.path);
  if (!match) return [{ pointer: `${pointer}/path`, message: `path skal have formen "$.<nøgle>", fx ${example}` }];
  const key = match[1];
  if (fact.pathVocabulary && !isInVocabulary(fact.pathVocabulary, key)) {
    const guess = closest(key, keys);
    return [
      {
        pointer: `${pointer}/path`,
        message: `'${key}' er ikke en nøgle i ordlisten ${fact.pathVocabulary} for faktum '${fact.id}'; ${guess ? `mente du "$.${guess}"? ` : ''}brug en af: ${list(keys)}`,
      },
    ];
  }
  return [];
}

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

function checkParams(leaf: LeafCondition, fact: FactDefinition, pointer: string): Problem[] {
  const validate = paramsValidator(fact);
  if (!validate) {
    if (leaf.params === undefined) return [];
    return [{ pointer: `${pointer}/params`, message: `faktum '${fact.id}' tager ingen params; fjern "params"` }];
  }
  const params = leaf.params ?? {};
  if (validate(params)) return [];
  const at = leaf.params === undefined ? pointer : `${pointer}/params`;
  return (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => ({ code: describeSchemaError(e).code, ...paramProblem(e, fact, params, at) }));
}

function paramProblem(error: ErrorObject, fact: FactDefinition, params: Record<string, unknown>, at: string): Problem {
  const pointer = `${at}${error.instancePath}`;
  const name = error.instancePath.split('/')[1];
  const value = valueAt(params, error.instancePath);
  const where = name ? `param '${unescape(name)}' til faktum '${fact.id}'` : `params til faktum '${fact.id}'`;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { pointer, message: `faktum '${fact.id}' kræver param '${missing}'; tilføj fx "${missing}": ${show(exampleParam(fact, missing))} under "params"` };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((fact.params?.properties ?? {}) as Record<string, unknown>);
      const guess = closest(extra, allowed);
      return {
        pointer: `${pointer}/${escapePointer(extra)}`,
        message: `faktum '${fact.id}' kender ikke param '${extra}'; ${guess ? `mente du '${guess}'? ` : ''}tilladte params: ${list(allowed)}`,
      };
    }
    case 'enum': {
      const vocab = name ? paramVocabulary(fact, unescape(name)) : undefined;
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      const what = vocab ? `er ikke en værdi i ordlisten ${vocab}` : `er ikke tilladt i ${where}`;
      return { pointer, message: `${show(value)} ${what}; ${guess ? `mente du '${guess}'? ` : ''}brug en af: ${list(allowed)}` };
    }
    case 'type': {
      const expected = (error.params as { type: string }).type;
      const words: Record<string, string> = { integer: 'et helt tal', number: 'et tal', string: 'en tekst i "…"', boolean: 'true eller false', array: 'en liste, fx ["…"]', object: 'et objekt' };
      return { pointer, message: `${show(value)} passer ikke som ${where}; angiv ${words[expected] ?? expected}` };
    }
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      return { pointer, message: `${where} skal være ${error.keyword === 'minimum' ? 'mindst' : 'højst'} ${limit}, ikke ${show(value)}` };
    }
    case 'minItems':
      return { pointer, message: `listen i ${where} må ikke være tom; angiv mindst én værdi` };
    case 'uniqueItems': {
      const { j } = error.params as { i: number; j: number };
      return { pointer, message: `${show((value as unknown[])[j])} står flere gange i ${where}; fjern gentagelsen` };
    }
    default:
      return { pointer, message: `${where}: ${describeSchemaError(error).message}` };
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: unknown): boolean {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function checkValue(leaf: LeafCondition, fact: FactDefinition, type: ScalarFactType, pointer: string): Problem[] {
  const at = `${pointer}/value`;
  const value = leaf.value;
  const id = fact.id;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'fact' in value) {
    return [
      {
        pointer: at,
        message: `værdien henviser til faktum ${show((value as { fact: unknown }).fact)}; en betingelse skal sammenligne med en fast værdi (compare with a fixed value), fx "value": ${show(exampleValue(fact, type, leaf.operator))}`,
      },
    ];
  }
  const wrong = (expected: string) => ({
    pointer: at,
    message: `værdien ${show(value)} passer ikke til faktum '${id}' (${type}${fact.unit ? `, ${fact.unit}` : ''}); ${expected}`,
  });
  switch (type) {
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return [];
      return [wrong(`angiv et tal uden anførselstegn, fx ${show(numericExample(value) ?? 1)}`)];
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return [];
      if (typeof value === 'number') return [wrong(`angiv et helt tal, fx ${Math.ceil(value)}`)];
      return [wrong(`angiv et helt tal uden anførselstegn, fx ${show(Math.ceil(numericExample(value) ?? 1))}`)];
    case 'boolean':
      if (typeof value === 'boolean') return [];
      return [wrong('angiv true eller false uden anførselstegn')];
    case 'date':
      if (isDate(value)) return [];
      return [wrong('angiv en dato som "ÅÅÅÅ-MM-DD", fx "2026-01-01"')];
    case 'string':
      if (leaf.operator === 'in' || leaf.operator === 'notIn') {
        if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
          const example = typeof value === 'string' ? [value] : exampleValue(fact, type, leaf.operator);
          return [wrong(`operator '${leaf.operator}' kræver en ikke-tom liste af tekster, fx ${show(example)}`)];
        }
        return value.flatMap((v, i) => vocabularyProblem(fact, v, `${at}/${i}`));
      }
      if (typeof value !== 'string') {
        return [wrong(Array.isArray(value) ? `operator '${leaf.operator}' sammenligner med én tekst; brug 'in' for en liste af tilladte værdier` : 'angiv en tekst i "…"')];
      }
      return vocabularyProblem(fact, value, at);
    case 'string[]':
      if (typeof value !== 'string') {
        return [
          wrong(
            Array.isArray(value)
              ? `operator '${leaf.operator}' tager én værdi; skriv én værdi, fx ${show(exampleValue(fact, type, leaf.operator))}, og brug flere betingelser under "all" for at kræve flere`
              : `angiv én værdi${fact.vocabulary ? ` fra ordlisten ${fact.vocabulary}` : ''}, fx ${show(exampleValue(fact, type, leaf.operator))}`,
          ),
        ];
      }
      return vocabularyProblem(fact, value, at);
    default:
      return [];
  }
}

function vocabularyProblem(fact: FactDefinition, value: string, pointer: string): Problem[] {
  const vocab = fact.vocabulary as VocabularyName | undefined;
  if (!vocab || isInVocabulary(vocab, value)) return [];
  const ids = vocabulary(vocab).map((e) => e.id);
  const guess = closest(value, ids);
  return [
    {
      pointer,
      message: `'${value}' er ikke en værdi i ordlisten ${vocab} for faktum '${fact.id}'; ${guess ? `mente du '${guess}'? ` : ''}brug en af: ${list(ids)}`,
    },
  ];
}

function numericExample(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = Number(value.trim().replace(',', '.'));
    return value.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function exampleValue(fact: FactDefinition, type: ScalarFactType, operator: string): unknown {
  const first = fact.vocabulary ? vocabulary(fact.vocabulary)[0]?.id : undefined;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'date':
      return '2026-01-01';
    case 'string':
      return operator === 'in' || operator === 'notIn' ? [first ?? '…'] : (first ?? '…');
    case 'string[]':
      return first ?? '…';
  }
}
