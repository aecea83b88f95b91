import type { ValidateFunction } from 'ajv';
import type { EvaluationRecord } from '../approvals/records';
import type { Evidence } from '../evidence/types';
import { LEVELS } from '../rules/types';
import { schemaAjv, schemaProblems, validateAgainst, type Problem } from '../schemas';
import type { ReplayInput } from './replay';

/**
 * An evaluation with its evidence, as one JSON document: what an appeals body needs to reproduce the
 * evaluation without the service (`speciale-rules replay <file>`), given the rule files.
 */
export const EXPORT_FORMAT = 'specialfunktion-evaluation-export';
/** Raised when a field changes meaning or goes away; readers refuse versions they do not know. */
export const EXPORT_FORMAT_VERSION = 1;

export interface EvaluationExport {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  exportedAt: string;
  /** The stored evaluation without its evidence. */
  evaluation: Omit<EvaluationRecord, 'evidence'>;
  /** The evidence exactly as stored: its canonical JSON hashes to evaluation.evidenceHash. */
  evidence: Evidence;
}

export function exportOf(record: EvaluationRecord, exportedAt: string): EvaluationExport {
  const { evidence, ...evaluation } = record;
  return { format: EXPORT_FORMAT, formatVersion: EXPORT_FORMAT_VERSION, exportedAt, evaluation, evidence };
}

/** The replay input of a stored record or an export's evaluation and evidence. */
export function replayInputOf(evaluation: Omit<EvaluationRecord, 'evidence'>, evidence: Evidence): ReplayInput {
  return {
    id: evaluation.id,
    speciale: evaluation.speciale,
    level: evaluation.level,
    rulesetVersion: evaluation.rulesetVersion,
    rulesetHash: evaluation.rulesetHash,
    evidenceHash: evaluation.evidenceHash,
    engineVersion: evaluation.engineVersion,
    ...(evaluation.semanticsVersion !== undefined ? { semanticsVersion: evaluation.semanticsVersion } : {}),
    asOf: evaluation.asOf,
    overall: evaluation.overall,
    result: evaluation.result,
    evidence,
  };
}

const HASH = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' };
const OUTCOME = { enum: ['met', 'not-met', 'insufficient-evidence'] };
const OVERALL = { enum: ['eligible', 'not-eligible', 'incomplete'] };

/** What a replay reads of an export; the rest is kept as exported and not checked. */
const EXPORT_SCHEMA = {
  type: 'object',
  required: ['format', 'formatVersion', 'evaluation', 'evidence'],
  properties: {
    format: { const: EXPORT_FORMAT },
    formatVersion: { const: EXPORT_FORMAT_VERSION },
    evaluation: {
      type: 'object',
      required: ['id', 'speciale', 'level', 'rulesetVersion', 'rulesetHash', 'evidenceHash', 'engineVersion', 'asOf', 'overall', 'result'],
      properties: {
        id: { type: 'string', minLength: 1 },
        speciale: { type: 'string', minLength: 1 },
        level: { enum: [...LEVELS] },
        rulesetVersion: { type: 'string', minLength: 1 },
        rulesetHash: HASH,
        evidenceHash: HASH,
        engineVersion: { type: 'string' },
        semanticsVersion: { type: 'integer', minimum: 1 },
        asOf: { type: 'string', format: 'date' },
        overall: OVERALL,
        result: {
          type: 'object',
          required: ['overall', 'requirements'],
          properties: {
            overall: OVERALL,
            transitional: { type: 'array', items: { type: 'string' } },
            requirements: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'title', 'outcome', 'transitional', 'conditions'],
                properties: {
                  id: { type: 'string' },
                  title: { type: 'string' },
                  outcome: OUTCOME,
                  transitional: { type: 'boolean' },
                  conditions: { type: 'array', items: { type: 'object', required: ['outcome'], properties: { outcome: { enum: ['met', 'not-met', 'missing'] } } } },
                },
              },
            },
          },
        },
      },
    },
    evidence: { type: 'object' },
  },
} as const;

let validator: ValidateFunction | undefined;

/**
 * Every problem with an export, each with its JSON Pointer into the file: its format and version, the
 * evaluation fields a replay reads, and the evidence against schemas/evidence.schema.json.
 */
export function exportProblems(value: unknown): Problem[] {
  validator ??= schemaAjv().compile(EXPORT_SCHEMA);
  if (!validator(value)) {
    const problems = schemaProblems(validator.errors);
    const versionProblem = problems.find((p) => p.pointer === '/formatVersion');
    if (versionProblem) versionProblem.message = `formatversion ${JSON.stringify((value as { formatVersion?: unknown }).formatVersion)} kendes ikke; denne version læser ${EXPORT_FORMAT_VERSION}`;
    return problems;
  }
  return validateAgainst('evidence', (value as EvaluationExport).evidence).map((p) => ({ ...p, pointer: `/evidence${p.pointer}` }));
}
