import { isInVocabulary, vocabulary, type FactDefinition, type ScalarFactType, type VocabularyName } from '../evidence/catalogue';
import type { Problem } from '../schemas';
import { closest } from '../evidence/suggest';
import { list, show } from './typecheckWords';
import type { LeafCondition } from './types';

/** Type-checks the value a condition compares with: its type against the fact's, and vocabulary values against the vocabulary. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: unknown): boolean {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function checkValue(leaf: LeafCondition, fact: FactDefinition, type: ScalarFactType, pointer: string): Problem[] {
  const at = `${pointer}/value`;
  const value = leaf.value;
  const id = fact.id;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'fact' in value) {
    return [
      {
        pointer: at,
        code: 'value-refers-to-fact', message: `værdien henviser til faktum ${show((value as { fact: unknown }).fact)}; en betingelse skal sammenligne med en fast værdi (compare with a fixed value), fx "value": ${show(exampleValue(fact, type, leaf.operator))}`,
      },
    ];
  }
  const wrong = (expected: string) => ({
    pointer: at,
    code: 'value-wrong-type', message: `værdien ${show(value)} passer ikke til faktum '${id}' (${type}${fact.unit ? `, ${fact.unit}` : ''}); ${expected}`,
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
      code: 'value-not-in-vocabulary', message: `'${value}' er ikke en værdi i ordlisten ${vocab} for faktum '${fact.id}'; ${guess ? `mente du '${guess}'? ` : ''}brug en af: ${list(ids)}`,
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
