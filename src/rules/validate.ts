import { existsSync } from 'node:fs';
import path from 'node:path';
import { CPR_CODE, CPR_MESSAGE, findCprLikeValues } from '../privacy/cpr';
import { validateAgainst, type Problem } from '../schemas';
import { rulesetHash } from './hash';
import { loadRulesTree, type FileProblem, type LoadedRuleset, type ParsedFile } from './load';
import { immutabilityMessage, lockKey, lockPointer, readLock, type LockEntries, type LockPartsByKey } from './lockfile';
import { changedParts } from './lockParts';
import { compareVersions, isSemver } from './semver';
import { compileProblems } from './compilable';
import { unsatisfiableConditions } from './satisfiable';
import { typecheckRuleset } from './typecheck';
import { LEVELS, type ApprovalPolicy, type Level, type LevelRules, type Requirement, type Ruleset } from './types';

/**
 * The checks CI runs on a rules tree, in this order: JSON Schema; type-check against the fact catalogue;
 * duplicate requirement ids; speciale = folder name; version = file name; includesLevel resolves;
 * effective dates (at most one published version in force on any date); published versions unchanged
 * since they were locked; example cases against case.schema.json.
 */

export interface CheckOptions {
  /** Default: <dir>/rules.lock.json. */
  lockFile?: string;
}

export interface RulesTreeCheck {
  /** Rule sets without content problems (schema, type-check, ids, location, levels, dates), by speciale and version. */
  rulesets: LoadedRuleset[];
  /** Every problem, by file (in check order within a file). */
  problems: FileProblem[];
  /** The lock as read. */
  lock: { file: string; exists: boolean; entries: LockEntries; parts: LockPartsByKey };
  /** Number of example case files found. */
  caseFiles: number;
}

/**
 * Everything that can be checked within one rule set: JSON Schema first (nothing else runs when that
 * fails), then the type-check, duplicate ids, includesLevel and the order of the effective dates.
 * Used for rule files and for drafts sent to the service.
 */
export function checkRulesetContent(value: unknown): Problem[] {
  return contentProblems(value).problems;
}

function contentProblems(value: unknown, location?: { folder: string; name: string }): { schemaValid: boolean; problems: Problem[] } {
  const schema = validateAgainst('ruleset', value);
  // Every check runs, also when the schema fails, so an author sees every mistake in one pass; each
  // looks only at the parts that have the shape it needs (the schema names the rest). Where a check
  // and the schema name the same place, the check's message (with its suggestion) is kept.
  const ruleset = (isObject(value) ? value : {}) as unknown as Ruleset;
  const typeProblems = typecheckRuleset(ruleset);
  const checks = [
    ...groupShapeProblems(ruleset),
    ...typeProblems,
    ...unsatisfiableConditions(ruleset),
    // What the evaluator could still not compile once schema and type-check pass (catalogue and evaluator disagree).
    ...(schema.length === 0 && typeProblems.length === 0 ? compileProblems(ruleset) : []),
    ...duplicateIds(ruleset),
    ...(location ? locationProblems(ruleset, location) : []),
    ...levelProblems(ruleset),
    ...policyProblems(ruleset),
    ...dateOrder(ruleset),
  ];
  // A bare condition where a group belongs is one mistake: the schema's findings inside it are left out.
  const bare = checks.filter((c) => c.code === 'condition-not-in-group').map((c) => c.pointer);
  const named = (p: Problem) => checks.some((c) => c.pointer === p.pointer) || bare.some((b) => p.pointer.startsWith(`${b}/`));
  const problems = [...schema.filter((p) => !named(p)), ...checks];
  return { schemaValid: schema.length === 0, problems: problems.sort((a, b) => comparePointers(a.pointer, b.pointer)) };
}

/**
 * The two shapes of a condition tree authors most often get wrong, said in their own words: a bare
 * condition directly under "conditions" (it must be in a group) and `not` given a list (it takes one).
 */
function groupShapeProblems(ruleset: Ruleset): Problem[] {
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The levels that are objects, with their requirements that are objects (other shapes are the schema's to name). */
function levelsOf(ruleset: Ruleset): { level: Level; rules: Partial<LevelRules>; requirements: { requirement: Partial<Requirement>; index: number }[] }[] {
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
function comparePointers(a: string, b: string): number {
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

function duplicateIds(ruleset: Ruleset): Problem[] {
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

function locationProblems(ruleset: Ruleset, { folder, name }: { folder: string; name: string }): Problem[] {
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

function levelProblems(ruleset: Ruleset): Problem[] {
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
function policyProblems(ruleset: Ruleset): Problem[] {
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

function dateOrder(ruleset: Ruleset): Problem[] {
  if (typeof ruleset.effectiveTo !== 'string' || typeof ruleset.effectiveFrom !== 'string' || ruleset.effectiveTo >= ruleset.effectiveFrom) return [];
  return [
    {
      pointer: '/effectiveTo',
      code: 'effective-dates-reversed',
      message: `effectiveTo (${ruleset.effectiveTo}) ligger før effectiveFrom (${ruleset.effectiveFrom}); ret datoerne, så den sidste gyldighedsdag ligger på eller efter den første`,
    },
  ];
}

/** At most one published version in force on any date: distinct effectiveFrom, rising with the version. */
function publishedOrder(loaded: LoadedRuleset[]): FileProblem[] {
  const problems: FileProblem[] = [];
  const bySpeciale = new Map<string, LoadedRuleset[]>();
  for (const l of loaded) {
    if (l.ruleset.status !== 'published') continue;
    bySpeciale.set(l.ruleset.speciale, [...(bySpeciale.get(l.ruleset.speciale) ?? []), l]);
  }
  for (const versions of bySpeciale.values()) {
    versions.sort((a, b) => compareVersions(a.ruleset.version, b.ruleset.version));
    for (let i = 1; i < versions.length; i++) {
      const lower = versions[i - 1].ruleset;
      const higher = versions[i];
      const { version, effectiveFrom } = higher.ruleset;
      if (effectiveFrom === lower.effectiveFrom) {
        problems.push({
          file: higher.file,
          pointer: '/effectiveFrom',
          code: 'published-same-day',
          message: `version ${version} og ${lower.version} er begge udgivet med effectiveFrom ${effectiveFrom}; kun én udgivet version kan være i kraft ad gangen – giv ${version} en senere effectiveFrom`,
        });
      } else if (effectiveFrom < lower.effectiveFrom) {
        problems.push({
          file: higher.file,
          pointer: '/effectiveFrom',
          code: 'published-out-of-order',
          message: `version ${version} træder i kraft ${effectiveFrom}, før den lavere version ${lower.version} (${lower.effectiveFrom}); en højere version skal træde i kraft senere – ret effectiveFrom eller versionsnummeret`,
        });
      }
      if (effectiveFrom > lower.effectiveFrom && lower.effectiveTo !== undefined && lower.effectiveTo >= effectiveFrom) {
        problems.push({
          file: versions[i - 1].file,
          pointer: '/effectiveTo',
          code: 'published-overlap',
          message: `effectiveTo (${lower.effectiveTo}) ligger på eller efter, at version ${version} træder i kraft (${effectiveFrom}); kun én udgivet version kan være i kraft ad gangen – sæt effectiveTo til senest dagen før, eller fjern den`,
        });
      }
    }
  }
  return problems;
}

/**
 * An example case against case.schema.json, after the CPR guard: a CPR-like value anywhere in it is
 * named by pointer with the guard's code, and no schema message is given for it (it might quote it).
 */
export function checkCaseContent(value: unknown): Problem[] {
  const cpr: Problem[] = findCprLikeValues(value).map((pointer) => ({ pointer, code: CPR_CODE, message: CPR_MESSAGE }));
  return [...cpr, ...validateAgainst('case', value).filter((p) => !cpr.some((c) => c.pointer === p.pointer))];
}

/** The codes of the lock's findings: a published version's content against its locked hash. */
export const LOCK_CODES = ['lock-missing', 'published-version-changed', 'published-made-draft', 'locked-version-gone'] as const;

export function isLockProblem(problem: { code?: string }): boolean {
  return (LOCK_CODES as readonly (string | undefined)[]).includes(problem.code);
}

/** For programs that need rule sets to work with (the service, the re-check job): one line. */
export function noRulesetsMessage(dir: string): string {
  return `RULES_DIR ${dir} indeholder ingen regelsæt (<speciale>/<version>.json); angiv stien til rules-mappen`;
}

export function checkRulesTree(dir: string, options: CheckOptions = {}): RulesTreeCheck {
  const tree = loadRulesTree(dir);
  const problems: FileProblem[] = [...tree.problems];
  const lock = readLock(options.lockFile ?? tree.lockFile);
  problems.push(...lock.problems);

  const schemaValid: ParsedFile[] = [];
  const rulesets: LoadedRuleset[] = [];
  for (const parsed of tree.rulesets) {
    const found = contentProblems(parsed.value, parsed);
    // A value already refused while reading (a number read as Infinity) is not judged again.
    const refused = tree.problems.filter((p) => p.file === parsed.file && p.code === 'number-out-of-range').map((p) => p.pointer);
    const content = found.problems.filter((p) => !refused.some((r) => p.pointer === r || p.pointer.startsWith(`${r}/`)));
    problems.push(...content.map((p) => ({ file: parsed.file, ...p })));
    if (found.schemaValid) schemaValid.push(parsed);
    if (found.problems.length === 0 && refused.length === 0) rulesets.push({ file: parsed.file, ruleset: parsed.value as Ruleset });
  }

  problems.push(...publishedOrder(rulesets));
  problems.push(...lockProblems(dir, schemaValid, lock.file, lock.entries, lock.parts));

  for (const c of tree.cases) {
    problems.push(...checkCaseContent(c.value).map((p) => ({ file: c.file, ...p })));
  }

  return {
    rulesets,
    problems: sortByFile(problems),
    lock: { file: lock.file, exists: lock.exists, entries: lock.entries, parts: lock.parts },
    caseFiles: new Set([...tree.cases.map((c) => c.file), ...tree.problems.filter((p) => isCaseFile(p.file)).map((p) => p.file)]).size,
  };
}

function isCaseFile(file: string): boolean {
  return path.basename(path.dirname(file)) === 'cases';
}

function lockProblems(dir: string, files: ParsedFile[], lockFile: string, entries: LockEntries, parts: LockPartsByKey): FileProblem[] {
  const problems: FileProblem[] = [];
  const lockName = path.basename(lockFile);
  for (const parsed of files) {
    const ruleset = parsed.value as Ruleset;
    const key = lockKey(parsed.folder, parsed.name);
    const locked = entries[key];
    if (ruleset.status === 'draft') {
      if (locked !== undefined) {
        problems.push({
          file: parsed.file,
          pointer: '/status',
          code: 'published-made-draft',
          message: `version ${parsed.name} af '${parsed.folder}' er udgivet (står i ${lockName}) og kan ikke blive et udkast igen; sæt "status" tilbage til "published" eller "retired", og lav ændringer i en ny version`,
        });
      }
      continue;
    }
    if (locked === undefined) {
      problems.push({
        file: parsed.file,
        pointer: '/status',
        code: 'lock-missing',
        message: `version ${parsed.name} af '${parsed.folder}' er ${ruleset.status === 'published' ? 'udgivet' : 'udgået'}, men dens hash står ikke i ${lockName}; kør \`speciale-rules lock\` (run \`speciale-rules lock\`)`,
      });
    } else if (rulesetHash(ruleset) !== locked) {
      // Where it changed, from the parts locked with it; the whole file when only its hash was locked.
      const changed = parts[key] ? changedParts(ruleset, parts[key]) : [];
      for (const pointer of changed.length > 0 ? changed : ['']) {
        problems.push({ file: parsed.file, pointer, code: 'published-version-changed', message: immutabilityMessage(parsed.folder, parsed.name) });
      }
    }
  }
  const present = new Set(files.map((f) => lockKey(f.folder, f.name)));
  for (const key of Object.keys(entries)) {
    if (present.has(key)) continue;
    const [speciale, version] = key.split('/');
    const expected = path.join(dir, speciale, `${version}.json`);
    if (existsSync(expected)) continue; // present but unreadable or invalid: reported on the file itself
    problems.push({
      file: lockFile,
      pointer: lockPointer(key),
      code: 'locked-version-gone',
      message: `den låste version ${key} findes ikke længere (${path.join(speciale, `${version}.json`)} mangler); en udgivet version må ikke slettes – gendan filen, eller sæt dens status til "retired"`,
    });
  }
  return problems;
}

/** Problems by file (paths compared folder by folder, version file names by version), stable within a file. */
function sortByFile(problems: FileProblem[]): FileProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => comparePaths(a.p.file, b.p.file) || a.i - b.i)
    .map(({ p }) => p);
}

function comparePaths(a: string, b: string): number {
  const sa = a.split(path.sep);
  const sb = b.split(path.sep);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    if (sa[i] === sb[i]) continue;
    const va = sa[i].replace(/\.json$/, '');
    const vb = sb[i].replace(/\.json$/, '');
    // A speciale's version files come before its cases/ folder.
    if (isSemver(va) !== isSemver(vb) && (i === sa.length - 1 || i === sb.length - 1)) return isSemver(va) ? -1 : 1;
    if (isSemver(va) && isSemver(vb)) return compareVersions(va, vb);
    return sa[i] < sb[i] ? -1 : 1;
  }
  return sa.length - sb.length;
}
