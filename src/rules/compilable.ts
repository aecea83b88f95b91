import { derivationOf } from '../evidence/derive';
import type { Problem } from '../schemas';
import { KEY_PATH, operatorOf } from './operators';
import { isLeaf, LEVELS, type Condition, type Ruleset } from './types';

/**
 * What the compiled evaluator (src/evaluation/compile.ts) needs of every leaf: a fact with a derivation,
 * an operator it knows, a path of the form `$.<key>` and a literal required value (json-rules-engine would
 * read `{ "fact": … }` as another fact; the format has no such thing). The type-check already refuses most of
 * this; these problems show where the catalogue and the evaluator disagree. Kept in rules/ so validation
 * can refuse such a file without rules/ knowing of the evaluator, which refuses the same on its own.
 */
export function compileProblems(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  for (const level of LEVELS) {
    ruleset.levels[level].requirements.forEach((requirement, i) => {
      walk(requirement.conditions, `/levels/${level}/requirements/${i}/conditions`, problems);
    });
  }
  return problems;
}

const CODE = 'rule-not-compilable';

function walk(condition: Condition, pointer: string, problems: Problem[]): void {
  if (!isLeaf(condition)) {
    if ('all' in condition) condition.all.forEach((c, i) => walk(c, `${pointer}/all/${i}`, problems));
    else if ('any' in condition) condition.any.forEach((c, i) => walk(c, `${pointer}/any/${i}`, problems));
    else walk(condition.not, `${pointer}/not`, problems);
    return;
  }
  if (derivationOf(condition.fact) === undefined) {
    problems.push({ pointer: `${pointer}/fact`, code: CODE, message: `faktum '${condition.fact}' kan ikke udledes af dokumentationen; evaluatoren kan ikke oversætte betingelsen` });
  }
  if (operatorOf(condition.operator) === undefined) {
    problems.push({ pointer: `${pointer}/operator`, code: CODE, message: `operator '${condition.operator}' kendes ikke af evaluatoren; betingelsen kan ikke oversættes` });
  }
  if (condition.path !== undefined && !KEY_PATH.test(condition.path)) {
    problems.push({ pointer: `${pointer}/path`, code: CODE, message: `path skal have formen "$.<nøgle>"; evaluatoren kan ikke oversætte '${condition.path}'` });
  }
  if (isFactReference(condition.value)) {
    problems.push({ pointer: `${pointer}/value`, code: CODE, message: 'værdien skal være en fast værdi; en henvisning til et andet faktum kan ikke oversættes' });
  }
}

/** What json-rules-engine reads as a reference to another fact rather than a value. */
export function isFactReference(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact');
}
