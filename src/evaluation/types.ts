import type { Category, Level, Severity } from '../rules/types';

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
  asOf: string;
  provider: EvaluatedProvider;
  evidence: { reportingDate: string; ageMonths: number; maxAgeMonths: number; overdue: boolean };
  overall: Overall;
  summary: string;
  unmetRequired: string[];
  insufficientRequired: string[];
  unmetAdvisory: string[];
  transitional: string[];
  requirements: RequirementResult[];
}
