import { factDefinition, paramVocabulary, vocabularyLabel, type FactDefinition } from '../evidence/catalogue';
import type { LeafCondition } from './types';

/** Danish phrases for conditions, shared by the rendered criteria and the evaluation's explanations. */

const UNIT_DISPLAY: Record<string, string> = { FTE: 'årsværk', procent: '%' };
/** Danish singular of the catalogue's plural units, for "1 aftale" rather than "1 aftaler". */
const SINGULAR: Record<string, string> = { medarbejdere: 'medarbejder', aftaler: 'aftale', måneder: 'måned', pladser: 'plads', arbejdsdage: 'arbejdsdag', aktiviteter: 'aktivitet' };

const numberFormat = new Intl.NumberFormat('da-DK', { maximumFractionDigits: 2 });
// Intl takes about half a microsecond a number, with a dozen or more per evaluation, and values recur.
const formattedNumbers = new Map<number, string>();

export function formatNumber(value: number): string {
  // A Map holds 0 and -0 as one key, but "-0" and "0" differ.
  if (Object.is(value, -0)) return numberFormat.format(value);
  let text = formattedNumbers.get(value);
  if (text === undefined) {
    text = numberFormat.format(value);
    if (formattedNumbers.size >= 10_000) formattedNumbers.clear();
    formattedNumbers.set(value, text);
  }
  return text;
}

/** A value as a Danish reader expects it, with the fact's unit: "2,5 årsværk", "75 %", "ja". */
export function formatValue(value: unknown, unit: string | null | undefined, vocabularyName?: Parameters<typeof vocabularyLabel>[0]): string {
  if (value === undefined || value === null) return 'ikke oplyst';
  if (typeof value === 'boolean') return value ? 'ja' : 'nej';
  if (typeof value === 'number') {
    const shown = formatNumber(value);
    if (!unit) return shown;
    const u = value === 1 ? (SINGULAR[unit] ?? UNIT_DISPLAY[unit] ?? unit) : (UNIT_DISPLAY[unit] ?? unit);
    return u === '%' ? `${shown} %` : `${shown} ${u}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'ingen';
    return value.map((v) => (vocabularyName ? vocabularyLabel(vocabularyName, String(v)) : String(v))).join(', ');
  }
  if (typeof value === 'string') return vocabularyName ? vocabularyLabel(vocabularyName, value) : value;
  return JSON.stringify(value);
}

function paramText(fact: FactDefinition, name: string, value: unknown): string {
  const vocab = paramVocabulary(fact, name);
  if (Array.isArray(value)) {
    const labels = value.map((v) => (vocab ? vocabularyLabel(vocab, String(v)) : String(v)));
    return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} eller ${labels[labels.length - 1]}`;
  }
  if (typeof value === 'string') return vocab ? vocabularyLabel(vocab, value) : value;
  return String(value);
}

// Params without a placeholder in the label are added as a short qualifier.
function extraQualifier(name: string, value: unknown, fact: FactDefinition): string {
  switch (name) {
    case 'withinYears':
      return `erhvervet inden for de seneste ${String(value)} år`;
    case 'targetGroup':
      return `målgruppen ${paramText(fact, name, value)}`;
    case 'recipientType':
      return `til ${paramText(fact, name, value)}`;
    case 'kinds':
      return `typerne ${paramText(fact, name, value)}`;
    case 'formalOnly':
      return value === false ? 'også uformelle aftaler' : 'kun formelle aftaler';
    default:
      return `${name} = ${paramText(fact, name, value)}`;
  }
}

/** What is measured, in Danish: "årsværk med kompetencen neuropædagogik (erhvervet inden for de seneste 5 år)". */
export function factPhrase(leaf: LeafCondition): string {
  const fact = factDefinition(leaf.fact);
  if (!fact) return leaf.fact;
  const params = leaf.params ?? {};
  const used = new Set<string>();
  let text = fact.label.da.replace(/\{(\w+)\}/g, (_m, name: string) => {
    used.add(name);
    return name in params ? paramText(fact, name, params[name]) : '';
  });
  text = text.replace(/\s{2,}/g, ' ').trim();
  if (fact.type === 'object' && leaf.path) {
    const key = leaf.path.replace(/^\$\./, '');
    text = `${text}: ${fact.pathVocabulary ? vocabularyLabel(fact.pathVocabulary, key) : key}`;
  }
  const extras = Object.entries(params)
    .filter(([name]) => !used.has(name))
    .map(([name, value]) => extraQualifier(name, value, fact));
  return extras.length > 0 ? `${text} (${extras.join('; ')})` : text;
}

const OPERATOR_WORDS: Record<string, string> = {
  greaterThanInclusive: 'mindst',
  greaterThan: 'mere end',
  lessThanInclusive: 'højst',
  lessThan: 'under',
  equal: '',
  notEqual: 'ikke',
  in: 'en af',
  notIn: 'ingen af',
  contains: 'omfatter',
  doesNotContain: 'omfatter ikke',
  dateOnOrAfter: 'tidligst',
  dateOnOrBefore: 'senest',
};

/** The requirement on the fact, in Danish: "mindst 2 årsværk", "ja", "omfatter TEACCH / strukturpædagogik". */
export function requirementPhrase(leaf: LeafCondition): string {
  const fact = factDefinition(leaf.fact);
  const unit = fact?.unit;
  const vocab = fact?.vocabulary;
  const words = OPERATOR_WORDS[leaf.operator] ?? leaf.operator;
  const value = formatValue(leaf.value, unit, vocab);
  return words ? `${words} ${value}` : value;
}

/** The whole condition as one Danish sentence fragment: "Årsværk med … skal være mindst 2 årsværk". */
export function describeLeaf(leaf: LeafCondition): string {
  const fact = factDefinition(leaf.fact);
  const verb = fact && (fact.type === 'string[]') ? '' : 'skal være ';
  return `${capitalize(factPhrase(leaf))} ${verb}${requirementPhrase(leaf)}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
