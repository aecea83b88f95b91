import type { Problem } from '../schemas';
import { LEVELS, type ApprovalPolicy, type Level, type LevelRules, type Requirement, type Ruleset } from './types';

/**
 * The checks within one rule set besides the schema and the type-check: the shape of condition trees in
 * authors' words, duplicate ids, speciale and version against folder and file name, includesLevel,
 * contradictory policies and the order of the effective dates. Each looks only at parts with the shape it
 * needs, so they run beside the schema in one pass (validate.ts).
 */

/**
 * The two shapes of a condition tree authors most often get wrong, said in their own words: a bare
 * condition directly under "conditions" (it must be in a group) and `not` given a list (it takes one).
 */
export function groupShapeProblems(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (!isObject(node)) return;
    if (Array.isArray(node.not)) {
      problems.push({ pointer: `${pointer}/not`, code: 'not-takes-one-condition', message: '"not" tager én betingelse, ikke en liste; skriv {"not": {…}}, eller {"not": {"any": [ … ]}} for at udelukke flere' });
    }
    for (const key of ['all', 'any'] as const) if (Array.isArray(node[key])) (node[key] as unknown[]).forEach((c, i) => walk(c, `${pointer}/${key}/${i}`));
    if (isObject(node.not)) walk(node.not, `${pointer}/not`);
  };
  for (const { level, requirements } of levelsOf(ruleset)) {
    for (const { requirement, index } of requirements) {
      const pointer = `/levels/${level}/requirements/${index}/conditions`;
      const conditions = requirement.conditions as unknown;
      if (isObject(conditions) && 'fact' in conditions) {
        problems.push({ pointer, code: 'condition-not-in-group', message: 'betingelsen skal stå i en gruppe; skriv "conditions": {"all": [ {…} ]} (eller "any", hvis én af flere er nok)' });
      } else walk(conditions, pointer);
    }
  }
  return problems;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The levels that are objects, with their requirements that are objects (other shapes are the schema's to name). */
export function levelsOf(ruleset: Ruleset): { level: Level; rules: Partial<LevelRules>; requirements: { requirement: Partial<Requirement>; index: number }[] }[] {
  if (!isObject(ruleset.levels)) return [];
  return LEVELS.flatMap((level) => {
    const rules = ruleset.levels[level] as unknown;
    if (!isObject(rules)) return [];
    const list = Array.isArray(rules.requirements) ? (rules.requirements as unknown[]) : [];
    const requirements = list.flatMap((requirement, index) => (isObject(requirement) ? [{ requirement: requirement as Partial<Requirement>, index }] : []));
    return [{ level, rules: rules as Partial<LevelRules>, requirements }];
  });
}

/** Document order: a pointer's segments compared one by one, array indices as numbers. */
export function comparePointers(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    if (sa[i] === sb[i]) continue;
    const na = /^\d+$/.test(sa[i]) ? Number(sa[i]) : NaN;
    const nb = /^\d+$/.test(sb[i]) ? Number(sb[i]) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return 0; // different fields: keep the order the checks found them in
  }
  return sa.length - sb.length;
}

export function duplicateIds(ruleset: Ruleset): Problem[] {
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { level, requirements } of levelsOf(ruleset)) {
    for (const { requirement, index } of requirements) {
      if (typeof requirement.id !== 'string') continue;
      const pointer = `/levels/${level}/requirements/${index}`;
      const first = seen.get(requirement.id);
      if (first) {
        problems.push({
          pointer: `${pointer}/id`,
          code: 'duplicate-requirement-id',
          message: `krav-id'et '${requirement.id}' er allerede brugt i ${first}; giv kravet sit eget id (et id må kun bruges én gang pr. version)`,
        });
      } else {
        seen.set(requirement.id, pointer);
      }
    }
  }
  return problems;
}

export function locationProblems(ruleset: Ruleset, { folder, name }: { folder: string; name: string }): Problem[] {
  const problems: Problem[] = [];
  if (typeof ruleset.speciale === 'string' && ruleset.speciale !== folder) {
    problems.push({
      pointer: '/speciale',
      code: 'speciale-not-folder',
      message: `specialet hedder '${ruleset.speciale}', men filen ligger i mappen '${folder}'; ret "speciale" til "${folder}" eller flyt filen til mappen ${ruleset.speciale}/`,
    });
  }
  if (typeof ruleset.version === 'string' && ruleset.version !== name) {
    problems.push({
      pointer: '/version',
      code: 'version-not-file-name',
      message: `versionen er '${ruleset.version}', men filen hedder ${name}.json; ret "version" til "${name}" eller omdøb filen til ${ruleset.version}.json`,
    });
  }
  return problems;
}

export function levelProblems(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  const levels = levelsOf(ruleset);
  const includes = (level: string) => levels.find((l) => l.level === level)?.rules.includesLevel;
  for (const { level, rules } of levels) {
    const included = rules.includesLevel as string | undefined;
    if (typeof included !== 'string') continue;
    const pointer = `/levels/${level}/includesLevel`;
    if (included === level) {
      problems.push({ pointer, code: 'invalid-includes-level', message: `niveauet '${level}' kan ikke inkludere sig selv; fjern "includesLevel"` });
    } else if (!levels.some((l) => l.level === included)) {
      problems.push({ pointer, code: 'invalid-includes-level', message: `niveauet '${included}' findes ikke i regelsættet; brug en af: ${LEVELS.filter((l) => l !== level).join(', ')}` });
    } else if (includes(included) !== undefined) {
      problems.push({ pointer, code: 'invalid-includes-level', message: `niveauet '${included}' inkluderer selv et andet niveau; et niveau kan kun inkludere et niveau uden "includesLevel"` });
    }
  }
  return problems;
}

/** A policy whose periods contradict each other: a renewal window or re-check interval as long as the approval itself. */
export function policyProblems(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  for (const { level, rules } of levelsOf(ruleset)) {
    const policy = rules.approvalPolicy as Partial<ApprovalPolicy> | undefined;
    if (!isObject(policy)) continue;
    const { validityMonths, renewalWindowMonths, recheckIntervalMonths } = policy;
    if (typeof validityMonths !== 'number') continue;
    const pointer = `/levels/${level}/approvalPolicy`;
    if (typeof renewalWindowMonths === 'number' && renewalWindowMonths >= validityMonths) {
      problems.push({
        pointer: `${pointer}/renewalWindowMonths`,
        code: 'contradictory-policy',
        message: `fornyelsesvinduet (${renewalWindowMonths} måneder) skal være kortere end gyldigheden (${validityMonths} måneder); ellers kan en godkendelse fornyes, så snart den er givet`,
      });
    }
    if (typeof recheckIntervalMonths === 'number' && recheckIntervalMonths > validityMonths) {
      problems.push({
        pointer: `${pointer}/recheckIntervalMonths`,
        code: 'contradictory-policy',
        message: `genvurderingsintervallet (${recheckIntervalMonths} måneder) er længere end gyldigheden (${validityMonths} måneder); sæt det til højst ${validityMonths}`,
      });
    }
  }
  return problems;
}

export function dateOrder(ruleset: Ruleset): Problem[] {
  if (typeof ruleset.effectiveTo !== 'string' || typeof ruleset.effectiveFrom !== 'string' || ruleset.effectiveTo >= ruleset.effectiveFrom) return [];
  return [
    {
      pointer: '/effectiveTo',
      code: 'effective-dates-reversed',
      message: `effectiveTo (${ruleset.effectiveTo}) ligger før effectiveFrom (${ruleset.effectiveFrom}); ret datoerne, så den sidste gyldighedsdag ligger på eller efter den første`,
    },
  ];
}
