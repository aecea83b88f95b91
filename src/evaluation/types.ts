import type { Category, Level, Severity } from '../rules/types';
import type { Blocker } from './readiness';

export type RequirementOutcome = 'met' | 'not-met' | 'insufficient-evidence';
export type ConditionOutcome = 'met' | 'not-met' | 'missing';
export type Overall = 'eligible' | 'not-eligible' | 'incomplete';

/** One leaf condition as evaluated: what was measured, what was required, and what was found. */
export interface ConditionResult {
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
  operator: string;
  required: unknown;
  /** The derived value; null when the evidence does not allow the fact to be derived. */
  actual: unknown;
  unit: string | null;
  outcome: ConditionOutcome;
  explanation: string;
}

export interface RequirementResult {
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  outcome: RequirementOutcome;
  /** Newly added or tightened under a version whose transition period is running: shown, not counted. */
  transitional: boolean;
  explanation: string;
  conditions: ConditionResult[];
}

export interface EvaluatedProvider {
  tilbudId: string;
  cvr: string;
  name: string;
  kommunekode: string;
  municipality: string;
  region: string;
  tilsyn: string;
  ownerType: string;
}

export interface EvaluationResult {
  speciale: string;
  level: Level;
  rulesetVersion: string;
  rulesetHash: string;
  evidenceHash: string;
  engine: { name: 'json-rules-engine'; version: string };
  /** EVALUATOR_SEMANTICS_VERSION when evaluated (src/evaluation/semantics.ts); absent on results stored before it was recorded (1). */
  semanticsVersion: number;
  asOf: string;
  provider: EvaluatedProvider;
  evidence: { reportingDate: string; ageMonths: number; maxAgeMonths: number; overdue: boolean };
  overall: Overall;
  /**
   * Whether the evaluation can be the ground of an approval on the day it is shown (src/evaluation/readiness.ts):
   * eligible, on evidence current that day, under the version in force that day. Stored as of the day it was
   * made; worked out again whenever it is shown, as are `blockers` and `summary`.
   */
  approvable: boolean;
  blockers: Blocker[];
  summary: string;
  unmetRequired: string[];
  insufficientRequired: string[];
  unmetAdvisory: string[];
  transitional: string[];
  requirements: RequirementResult[];
}
