import path from 'node:path';
import type { Evidence } from '../evidence/types';
import { validateEvidence } from '../evidence/validate';
import type { RulesCatalogue } from '../rules/catalogue';
import { CASES_DIR, loadRulesTree, type FileProblem, type ParsedFile } from '../rules/load';
import { LEVELS, type Level } from '../rules/types';
import { checkCaseContent } from '../rules/validate';
import { evaluate } from './evaluate';
import type { Overall, RequirementOutcome } from './types';

/**
 * The example cases stored next to the rules (rules/<speciale>/cases/*.json): each is evaluated and
 * compared with its expected outcome, and coverage shows the requirements no case makes fail. It lives
 * with evaluation, not with the rules: the rules know nothing of how they are evaluated.
 */

export interface ExampleCase {
  name: string;
  description?: string;
  version?: string;
  level: Level;
  asOf: string;
  evidence: unknown;
  expected: { overall: Overall; requirements?: Record<string, RequirementOutcome> };
}

export interface OutcomeDifference {
  id: string;
  expected: RequirementOutcome;
  /** 'absent': the level has no requirement with this id. */
  actual: RequirementOutcome | 'absent';
}

export type CaseStatus = 'pass' | 'fail' | 'error';

export interface CaseRun {
  file: string;
  name: string;
  speciale: string;
  level?: Level;
  asOf?: string;
  /** The version evaluated (the case's own, or the published one in force on asOf). */
  version?: string;
  status: CaseStatus;
  expectedOverall?: Overall;
  actualOverall?: Overall;
  /** Requirement outcomes that differ from the expected ones (fail). */
  differences: OutcomeDifference[];
  /** Why the case could not be run (error). */
  problems: FileProblem[];
  /** Requirement ids with outcome not-met. */
  notMet: string[];
}

export interface CoverageEntry {
  speciale: string;
  version: string;
  level: Level;
  /** The level's own requirements (those of an included level are covered under that level). */
  requirements: string[];
  /** Requirement id → the passing cases that make it not-met. */
  failedBy: Record<string, string[]>;
  /** Requirements no passing case makes not-met. */
  uncovered: string[];
}

export interface CaseReport {
  cases: CaseRun[];
  coverage: CoverageEntry[];
  passed: number;
  failed: number;
}

export async function runCases(dir: string, catalogue: RulesCatalogue): Promise<CaseReport> {
  const tree = loadRulesTree(dir);
  const runs: CaseRun[] = [];
  // Case files that are not even JSON.
  const unreadable = new Map<string, FileProblem[]>();
  for (const p of tree.problems) {
    if (path.basename(path.dirname(p.file)) !== CASES_DIR) continue;
    unreadable.set(p.file, [...(unreadable.get(p.file) ?? []), p]);
  }
  const parsed = new Map(tree.cases.map((c) => [c.file, c]));
  const files = [...new Set([...tree.cases.map((c) => c.file), ...unreadable.keys()])].sort();
  for (const file of files) {
    const c = parsed.get(file);
    const speciale = path.basename(path.dirname(path.dirname(file)));
    if (!c || unreadable.has(file)) {
      runs.push(errorRun(file, path.basename(file, '.json'), speciale, unreadable.get(file) ?? []));
      continue;
    }
    runs.push(await runCase(c, catalogue));
  }
  const coverage = coverageOf(catalogue, runs);
  const passed = runs.filter((r) => r.status === 'pass').length;
  return { cases: runs, coverage, passed, failed: runs.length - passed };
}

function errorRun(file: string, name: string, speciale: string, problems: FileProblem[], extra: Partial<CaseRun> = {}): CaseRun {
  return { file, name, speciale, status: 'error', differences: [], problems, notMet: [], ...extra };
}

/** Evaluate one case (already parsed) and compare it with its expectation. */
export async function runCase(parsed: ParsedFile, catalogue: RulesCatalogue): Promise<CaseRun> {
  const { file, folder: speciale } = parsed;
  const schema = checkCaseContent(parsed.value);
  const fallbackName = path.basename(file, '.json');
  if (schema.length > 0) return errorRun(file, nameOf(parsed.value) ?? fallbackName, speciale, schema.map((p) => ({ file, ...p })));
  const example = parsed.value as ExampleCase;
  const base = { level: example.level, asOf: example.asOf, expectedOverall: example.expected.overall };

  const versions = catalogue.versions(speciale);
  const ruleset = example.version !== undefined ? catalogue.get(speciale, example.version) : catalogue.inForceOn(speciale, example.asOf);
  if (!ruleset) {
    const message =
      versions.length === 0
        ? `specialet '${speciale}' har ingen gyldige regelsæt; kør \`speciale-rules validate\``
        : example.version !== undefined
          ? `version ${example.version} af '${speciale}' findes ikke eller har fejl (findes: ${versions.map((v) => v.version).join(', ')}); ret "version" eller kør \`speciale-rules validate\``
          : `ingen udgivet version af '${speciale}' er i kraft ${example.asOf}; angiv "version" i sagen eller ret "asOf"`;
    return errorRun(file, example.name, speciale, [{ file, pointer: example.version !== undefined ? '/version' : '/asOf', message }], base);
  }

  const evidenceProblems: FileProblem[] = validateEvidence(example.evidence).map((p) => ({ file, pointer: `/evidence${p.pointer}`, code: p.code, message: p.message }));
  // Evidence describes the provider on its reporting date; a case cannot evaluate it before then.
  const reportedOn = (example.evidence as Evidence).reportingDate;
  if (evidenceProblems.length === 0 && example.asOf < reportedOn) {
    evidenceProblems.push({ file, pointer: '/asOf', message: `vurderingsdatoen ligger før dokumentationens indberetningsdato ${reportedOn}` });
  }
  if (evidenceProblems.length > 0) return errorRun(file, example.name, speciale, evidenceProblems, { ...base, version: ruleset.version });

  let result;
  try {
    result = await evaluate({ ruleset, level: example.level, evidence: example.evidence as Evidence, asOf: example.asOf });
  } catch (error) {
    return errorRun(file, example.name, speciale, [{ file, pointer: '', message: `sagen kunne ikke vurderes: ${(error as Error).message}` }], { ...base, version: ruleset.version });
  }

  const actual = new Map(result.requirements.map((r) => [r.id, r.outcome]));
  const differences: OutcomeDifference[] = [];
  for (const [id, expected] of Object.entries(example.expected.requirements ?? {})) {
    const got = actual.get(id) ?? 'absent';
    if (got !== expected) differences.push({ id, expected, actual: got });
  }
  const ok = result.overall === example.expected.overall && differences.length === 0;
  return {
    file,
    name: example.name,
    speciale,
    ...base,
    version: ruleset.version,
    status: ok ? 'pass' : 'fail',
    actualOverall: result.overall,
    differences,
    problems: [],
    notMet: result.requirements.filter((r) => r.outcome === 'not-met').map((r) => r.id),
  };
}

function nameOf(value: unknown): string | undefined {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Per speciale, version (drafts and published, not retired) and level: which of the level's own
 * requirements passing cases make not-met. A requirement of the included level counts where it is
 * defined, whichever level the case evaluated.
 */
function coverageOf(catalogue: RulesCatalogue, runs: CaseRun[]): CoverageEntry[] {
  const entries: CoverageEntry[] = [];
  for (const { speciale } of catalogue.specialer()) {
    for (const ruleset of catalogue.versions(speciale)) {
      if (ruleset.status === 'retired') continue;
      const passing = runs.filter((r) => r.status === 'pass' && r.speciale === speciale && r.version === ruleset.version);
      for (const level of LEVELS) {
        const requirements = ruleset.levels[level].requirements.map((r) => r.id);
        const failedBy: Record<string, string[]> = {};
        for (const run of passing) {
          for (const id of run.notMet) if (requirements.includes(id)) failedBy[id] = [...(failedBy[id] ?? []), run.file];
        }
        entries.push({ speciale, version: ruleset.version, level, requirements, failedBy, uncovered: requirements.filter((id) => !failedBy[id]) });
      }
    }
  }
  return entries;
}
