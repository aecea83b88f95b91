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
import {
  comparePointers,
  dateOrder,
  duplicateIds,
  groupShapeProblems,
  isObject,
  levelProblems,
  locationProblems,
  policyProblems,
} from './contentChecks';
import type { Ruleset } from './types';

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
