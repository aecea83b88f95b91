import { allFacts, factDefinition, isInVocabulary, knownOperators, operatorsFor, vocabulary, type FactDefinition, type ScalarFactType } from '../evidence/catalogue';
import type { Problem } from '../schemas';
import { closest } from '../evidence/suggest';
import { checkParams } from './typecheckParams';
import { checkValue } from './typecheckValue';
import { list } from './typecheckWords';
import { isLeaf, LEVELS, type Condition, type LeafCondition, type Ruleset } from './types';

/**
 * Type-checks every condition of a rule set against the fact catalogue (schemas/fact-catalogue.json).
 * Each problem points at the offending node and says what is wrong and how to fix it. Nodes without the
 * shape the JSON Schema asks for are passed over (the schema names them), so both run in one pass.
 */
export function typecheckRuleset(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  for (const level of LEVELS) {
    const requirements: unknown = ruleset.levels?.[level]?.requirements;
    if (!Array.isArray(requirements)) continue;
    requirements.forEach((requirement: unknown, i) => {
      if (requirement === null || typeof requirement !== 'object') return;
      walk((requirement as { conditions: Condition }).conditions, `/levels/${level}/requirements/${i}/conditions`, problems);
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
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return;
  if (isLeaf(condition)) {
    if (typeof condition.fact === 'string' && typeof condition.operator === 'string') problems.push(...typecheckLeaf(condition, pointer));
    return;
  }
  // A group with more than one key is the schema's to name; the conditions under each are still checked.
  if ('all' in condition && Array.isArray(condition.all)) condition.all.forEach((c, i) => walk(c, `${pointer}/all/${i}`, problems));
  if ('any' in condition && Array.isArray(condition.any)) condition.any.forEach((c, i) => walk(c, `${pointer}/any/${i}`, problems));
  if ('not' in condition) walk(condition.not, `${pointer}/not`, problems);
}

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
      code: 'unknown-fact', message: `ukendt faktum '${leaf.fact}'; ${guess ? `mente du '${guess}'? ` : ''}brug et faktum fra faktakataloget (schemas/fact-catalogue.json)`,
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
        code: 'operator-not-for-fact', message: `operator '${leaf.operator}' passer ikke til faktum '${fact.id}' (${type}); brug en af: ${list(allowed)}`,
      });
      operatorOk = false;
    }
  }

  problems.push(...checkPath(leaf, fact, pointer));
  problems.push(...checkParams(leaf, fact, pointer));
  // A missing value is the schema's to name.
  if (operatorOk && type && 'value' in leaf) problems.push(...checkValue(leaf, fact, type, pointer));
  return problems;
}

function unknownOperator(operator: string, pointer: string, allowed: readonly string[]): Problem {
  const guess = closest(operator, allowed);
  return {
    pointer: `${pointer}/operator`,
    code: 'unknown-operator', message: `ukendt operator '${operator}'; ${guess ? `mente du '${guess}'? ` : ''}brug en af: ${list(allowed)}`,
  };
}

function checkPath(leaf: LeafCondition, fact: FactDefinition, pointer: string): Problem[] {
  if (fact.type !== 'object') {
    if (leaf.path === undefined) return [];
    return [{ pointer: `${pointer}/path`, code: 'path-not-allowed', message: `faktum '${fact.id}' (${fact.type}) har ingen felter at vælge med path; fjern "path"` }];
  }
  const keys = fact.pathVocabulary ? vocabulary(fact.pathVocabulary).map((e) => e.id) : [];
  const example = `"$.${keys[0] ?? 'nøgle'}"`;
  if (leaf.path === undefined) {
    return [{ pointer, code: 'path-required', message: `faktum '${fact.id}' er et objekt og kræver en path, der vælger én værdi, fx "path": ${example}` }];
  }
  const match = /^\$\.([A-Za-z0-9_-]+)$/.exec(leaf.path);
  if (!match) return [{ pointer: `${pointer}/path`, code: 'invalid-path', message: `path skal have formen "$.<nøgle>", fx ${example}` }];
  const key = match[1];
  if (fact.pathVocabulary && !isInVocabulary(fact.pathVocabulary, key)) {
    const guess = closest(key, keys);
    return [
      {
        pointer: `${pointer}/path`,
        code: 'unknown-path-key', message: `'${key}' er ikke en nøgle i ordlisten ${fact.pathVocabulary} for faktum '${fact.id}'; ${guess ? `mente du "$.${guess}"? ` : ''}brug en af: ${list(keys)}`,
      },
    ];
  }
  return [];
}
