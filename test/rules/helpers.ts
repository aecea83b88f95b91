import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rulesetHash } from '../../src/rules/hash';
import type { Ruleset } from '../../src/rules/types';

/** Test support: rule trees built in temp dirs from one valid base rule set (test/fixtures/rules/demo-1.0.0.json). */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');

export function baseRuleset(overrides: Partial<Ruleset> = {}): Ruleset {
  return { ...(JSON.parse(readFileSync(path.join(FIXTURES, 'demo-1.0.0.json'), 'utf8')) as Ruleset), ...overrides };
}

export function baseEvidence(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'evidence.json'), 'utf8')) as Record<string, unknown>;
}

/** A deep copy, changed by `edit` (for deliberate mistakes). */
export function edited<T>(value: T, edit: (draft: any) => void): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  edit(copy);
  return copy;
}

/** Files below the tree root: a value is written as pretty JSON, a string as is. */
export type TreeFiles = Record<string, unknown>;

export interface TempTree {
  /** The temp directory (tests use it as cwd). */
  root: string;
  /** root/rules */
  dir: string;
  write(file: string, content: unknown): string;
  read(file: string): string;
  cleanup(): void;
}

const trees: TempTree[] = [];

/** A temp dir with `rules/` holding the given files (paths relative to rules/). */
export function makeTree(files: TreeFiles = {}): TempTree {
  const root = mkdtempSync(path.join(tmpdir(), 'speciale-rules-'));
  const dir = path.join(root, 'rules');
  mkdirSync(dir);
  const tree: TempTree = {
    root,
    dir,
    write(file, content) {
      const full = path.join(dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
      return full;
    },
    read(file) {
      return readFileSync(path.join(dir, file), 'utf8');
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  for (const [file, content] of Object.entries(files)) tree.write(file, content);
  trees.push(tree);
  return tree;
}

export function cleanupTrees(): void {
  for (const tree of trees.splice(0)) tree.cleanup();
}

/** The lock entries for the given rule sets (what `speciale-rules lock` would write). */
export function lockFor(...rulesets: Ruleset[]): Record<string, string> {
  return Object.fromEntries(rulesets.filter((r) => r.status !== 'draft').map((r) => [`${r.speciale}/${r.version}`, rulesetHash(r)]));
}

/** A valid tree: demo 1.0.0 (published, locked) and 1.1.0 (draft), with one example case. */
export function validTree(): TempTree {
  const v1 = baseRuleset();
  const v11 = edited(baseRuleset({ version: '1.1.0', status: 'draft', effectiveFrom: '2027-07-01' }), (r) => {
    r.levels.specialfunktion.requirements[2].conditions.all[0].value = 5;
  });
  return makeTree({
    'demo/1.0.0.json': v1,
    'demo/1.1.0.json': v11,
    'demo/cases/specialfunktion-opfyldt.json': {
      name: 'Specialfunktion: alle krav opfyldt',
      level: 'specialfunktion',
      asOf: '2026-09-30',
      evidence: baseEvidence(),
      expected: { overall: 'eligible', requirements: { 'DEM-SF-01': 'met', 'DEM-SF-06': 'met' } },
    },
    'rules.lock.json': lockFor(v1),
  });
}
