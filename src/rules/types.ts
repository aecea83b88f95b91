/** The shape of a rule set version file, rules/<speciale>/<version>.json (schemas/ruleset.schema.json). */
import type { Text } from '../evidence/catalogue';

/**
 * The two levels a speciale is approved at, defined once: the type derives from this tuple, and rule files,
 * queries, the replay export and openapi.yaml use the same values (test/openapi/levelsAndTilsyn.test.ts).
 * Ids are ASCII; LEVEL_TITLES holds the Danish words.
 */
export const LEVELS = ['specialfunktion', 'raadgivningsfunktion'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_TITLES: Record<Level, string> = { specialfunktion: 'Specialfunktion', raadgivningsfunktion: 'Rådgivningsfunktion' };

export type RulesetStatus = 'draft' | 'published' | 'retired';
export type Category = 'competence' | 'education' | 'activePractice' | 'collaboration' | 'organisation';
export const CATEGORIES: readonly Category[] = ['competence', 'education', 'activePractice', 'collaboration', 'organisation'];
export type Severity = 'required' | 'advisory';

export type { Text };

export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  path?: string;
  params?: Record<string, unknown>;
}

export type GroupCondition = { all: Condition[] } | { any: Condition[] } | { not: Condition };
export type Condition = LeafCondition | GroupCondition;

export interface Requirement {
  id: string;
  category: Category;
  severity: Severity;
  title: Text;
  rationale: Text;
  conditions: GroupCondition;
}

export interface ApprovalPolicy {
  validityMonths: number;
  recheckIntervalMonths: number;
  maxEvidenceAgeMonths: number;
  transitionMonths: number;
  renewalWindowMonths: number;
}

export interface LevelRules {
  includesLevel?: 'specialfunktion';
  approvalPolicy: ApprovalPolicy;
  requirements: Requirement[];
}

export interface Ruleset {
  /** Where an editor finds the schema for the file; not content (left out of the hash, the catalogue and the API). */
  $schema?: string;
  speciale: string;
  version: string;
  status: RulesetStatus;
  effectiveFrom: string;
  effectiveTo?: string;
  title: Text;
  description: Text;
  illustrative: string;
  levels: Record<Level, LevelRules>;
}

/** The rule set as content: without "$schema", a path that only means something to an editor beside the file. */
export function withoutEditorReference(ruleset: Ruleset): Ruleset {
  if (ruleset.$schema === undefined) return ruleset;
  const { $schema: _reference, ...content } = ruleset;
  return content;
}

export function isLeaf(condition: Condition): condition is LeafCondition {
  return 'fact' in condition;
}

/** The requirements that apply at a level: its own, after those of the level it includes. */
export function requirementsFor(ruleset: Ruleset, level: Level): Requirement[] {
  const rules = ruleset.levels[level];
  const inherited = rules.includesLevel ? ruleset.levels[rules.includesLevel].requirements : [];
  return [...inherited, ...rules.requirements];
}
