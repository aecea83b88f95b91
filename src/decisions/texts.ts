import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { parseJsonText } from '../rules/json';
import { schemaAjv, schemaProblems, type Problem } from '../schemas';
import defaultTexts from './defaultTexts.json';

/**
 * The texts of a written decision that belong to the deployment, not to the code: the legal basis per kind
 * of decision, the provider's duty to report changes, the re-check sentence and the klagevejledning. Each
 * authority supplies its own in a JSON file (DECISION_TEXTS_FILE); the default in this folder is illustrative
 * and says so in every decision printed with it.
 *
 * Texts may name `{authority}` (the deciding authority, e.g. "Socialtilsyn Midt"), `{level}` (specialfunktion
 * or rådgivningsfunktion) and `{recheckIntervalMonths}`; nothing else in braces.
 */
export interface DecisionTexts {
  /** Shown on every decision when present: the texts are examples, not the authority's own. */
  illustrative?: string;
  /** Paragraphs of legal basis per decision kind (approval, rejection, revocation, renewal, assignment, …); `default` for any other. */
  legalBasis: { default: string[] } & Record<string, string[]>;
  reportingDuty: string;
  recheck: string;
  /** The klagevejledning, one paragraph per item. */
  appeal: string[];
}

export const PLACEHOLDERS = ['authority', 'level', 'recheckIntervalMonths'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const paragraph = { type: 'string', minLength: 1, maxLength: 4000, pattern: '^(?:[^{}]|\\{(?:authority|level|recheckIntervalMonths)\\})*$' };
const paragraphs = { type: 'array', minItems: 1, maxItems: 20, items: paragraph };

const SCHEMA = {
  $id: 'https://specialfunktion.dk/schemas/decision-texts.json',
  type: 'object',
  additionalProperties: false,
  required: ['legalBasis', 'reportingDuty', 'recheck', 'appeal'],
  properties: {
    $comment: { type: 'string' },
    illustrative: { type: 'string', minLength: 1, maxLength: 2000 },
    legalBasis: {
      type: 'object',
      required: ['default'],
      properties: { default: paragraphs },
      propertyNames: { pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' },
      additionalProperties: paragraphs,
    },
    reportingDuty: paragraph,
    recheck: paragraph,
    appeal: paragraphs,
  },
} as const;

let validator: ValidateFunction | undefined;

/** Every problem with a texts document, each with its JSON Pointer. */
export function decisionTextsProblems(value: unknown): Problem[] {
  validator ??= schemaAjv().compile(SCHEMA);
  if (validator(value)) return [];
  return schemaProblems(validator.errors).map((problem) =>
    problem.code === 'pattern-mismatch' && problem.pointer !== ''
      ? { ...problem, message: `kun {${PLACEHOLDERS.join('}, {')}} må stå i krøllede parenteser` }
      : problem,
  );
}

/** The illustrative texts shipped with the service. */
export function defaultDecisionTexts(): DecisionTexts {
  return defaultTexts as DecisionTexts;
}

/**
 * Read and check a texts file. Throws with one line `file:/pointer: message` for the first problem
 * (a missing file, malformed JSON, or a field the schema refuses).
 */
export function loadDecisionTexts(file: string): DecisionTexts {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: kan ikke læses (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(`${file}: ugyldig JSON i linje ${parsed.error.line}, kolonne ${parsed.error.column}: ${parsed.error.message}`);
  const problems = decisionTextsProblems(parsed.value);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (og ${problems.length - 1} fejl mere)` : '';
    throw new Error(`${file}:${problems[0].pointer}: ${problems[0].message}${more}`);
  }
  return parsed.value as DecisionTexts;
}

/** A text with its placeholders filled in. */
export function fillText(text: string, values: Record<Placeholder, string>): string {
  return text.replace(/\{(authority|level|recheckIntervalMonths)\}/g, (_, name: Placeholder) => values[name]);
}
