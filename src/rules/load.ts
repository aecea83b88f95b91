import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseJsonText } from './json';
import { compareVersions, isSemver } from './semver';
import type { Ruleset } from './types';

/** A problem in one file: the file, a JSON Pointer into it ('' for the file as a whole) and what to do. */
export interface FileProblem {
  file: string;
  pointer: string;
  message: string;
  /** A stable kebab-case code for programs (e.g. 'lock-missing', 'unknown-fact'). */
  code?: string;
  /** For malformed JSON and duplicate keys: where in the text (1-based). */
  line?: number;
  column?: number;
}

/** A rule file that parsed as JSON; its content is not validated yet. */
export interface ParsedFile {
  file: string;
  /** The speciale folder the file lies in. */
  folder: string;
  /** The file name without `.json`. */
  name: string;
  value: unknown;
}

/** A rule set that passed the JSON Schema, with the file it came from. */
export interface LoadedRuleset {
  file: string;
  ruleset: Ruleset;
}

export interface RulesTree {
  dir: string;
  /** rules/<speciale>/<version>.json, by speciale and then version. */
  rulesets: ParsedFile[];
  /** rules/<speciale>/cases/*.json, by speciale and then file name. */
  cases: ParsedFile[];
  /** The lock file's path (it may not exist). */
  lockFile: string;
  /** Malformed JSON, duplicate keys, misplaced files, a missing directory. */
  problems: FileProblem[];
}

export const LOCK_FILE_NAME = 'rules.lock.json';
export const CASES_DIR = 'cases';

/** Parse a JSON file; malformed JSON gives one problem with line and column, duplicate keys one each. */
export function readJsonFile(file: string): { value?: unknown; problems: FileProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [{ file, pointer: '', code: 'file-unreadable', message: `filen kan ikke læses: ${(error as Error).message}` }] };
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    return { problems: [{ file, pointer: '', code: 'invalid-json', message: `ugyldig JSON i linje ${line}, kolonne ${column}: ${message}`, line, column }] };
  }
  const problems: FileProblem[] = parsed.duplicateKeys.map((d) => ({
    file,
    pointer: d.pointer,
    code: 'duplicate-key',
    message: `feltet '${d.key}' står to gange i samme objekt (linje ${d.line}); kun det sidste gælder – fjern det ene`,
    line: d.line,
    column: d.column,
  }));
  for (const n of parsed.numbersOutOfRange) {
    problems.push({
      file,
      pointer: n.pointer,
      code: 'number-out-of-range',
      message: `tallet ${n.literal} (linje ${n.line}) er for stort til at regne med og ville blive læst som uendelig; skriv et tal, der kan nås`,
      line: n.line,
      column: n.column,
    });
  }
  return { value: parsed.value, problems };
}

/**
 * Read a rules tree: rules/<speciale>/<version>.json and rules/<speciale>/cases/*.json. The lock file
 * (rules/rules.lock.json) is left to the lock module; other files at the top are ignored, except JSON
 * files, which are reported as misplaced rule files.
 */
export function loadRulesTree(dir: string): RulesTree {
  const tree: RulesTree = { dir, rulesets: [], cases: [], lockFile: path.join(dir, LOCK_FILE_NAME), problems: [] };
  if (!existsSync(dir)) {
    tree.problems.push({ file: dir, pointer: '', code: 'rules-dir-missing', message: 'mappen med regelsæt findes ikke; angiv stien til rules-mappen' });
    return tree;
  }
  if (!statSync(dir).isDirectory()) {
    tree.problems.push({ file: dir, pointer: '', code: 'rules-dir-not-a-directory', message: 'er en fil, ikke en mappe; angiv stien til rules-mappen (den, der indeholder en mappe pr. speciale)' });
    return tree;
  }
  for (const entry of sortedEntries(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    // What the entry is after following links: a speciale folder mounted from a ConfigMap is a symlink.
    const kind = kindOf(full);
    if (kind !== 'directory') {
      if (entry.name.endsWith('.json') && entry.name !== LOCK_FILE_NAME) {
        tree.problems.push({ file: full, pointer: '', code: 'misplaced-rule-file', message: `regelfiler skal ligge i en mappe pr. speciale; flyt filen til ${path.join(dir, '<speciale>', entry.name)}` });
      }
      continue;
    }
    const folder = entry.name;
    const versions: ParsedFile[] = [];
    for (const file of sortedEntries(full)) {
      const filePath = path.join(full, file.name);
      if (file.name.startsWith('.')) continue;
      const fileKind = kindOf(filePath);
      if (fileKind === 'directory') {
        if (file.name === CASES_DIR) tree.cases.push(...readCases(filePath, folder, tree.problems));
        continue;
      }
      if (!file.name.endsWith('.json')) continue;
      if (fileKind !== 'file') {
        tree.problems.push(notAFile(filePath, fileKind));
        continue;
      }
      const name = file.name.slice(0, -'.json'.length);
      if (!isSemver(name)) {
        tree.problems.push({
          file: filePath,
          pointer: '',
          code: 'file-name-not-version',
          message: `filnavnet skal være regelsættets version, fx 1.0.0.json (eksempelsager hører til i ${path.join(folder, CASES_DIR)}/)`,
        });
        continue;
      }
      const { value, problems } = readJsonFile(filePath);
      tree.problems.push(...problems);
      if (value !== undefined) versions.push({ file: filePath, folder, name, value });
    }
    versions.sort((a, b) => compareVersions(a.name, b.name));
    tree.rulesets.push(...versions);
  }
  return tree;
}

function readCases(dir: string, folder: string, problems: FileProblem[]): ParsedFile[] {
  const cases: ParsedFile[] = [];
  for (const entry of sortedEntries(dir)) {
    if (entry.name.startsWith('.') || !entry.name.endsWith('.json')) continue;
    const file = path.join(dir, entry.name);
    const kind = kindOf(file);
    if (kind === 'directory') continue;
    if (kind !== 'file') {
      problems.push(notAFile(file, kind));
      continue;
    }
    const read = readJsonFile(file);
    problems.push(...read.problems);
    if (read.value !== undefined) cases.push({ file, folder, name: entry.name.slice(0, -'.json'.length), value: read.value });
  }
  return cases;
}

type EntryKind = 'file' | 'directory' | 'other' | 'missing';

/**
 * What a path is after following symbolic links (`stat`, not the directory entry's type): a link to a
 * folder is a folder, a link to a file a file, and a FIFO, socket or device is neither and is never
 * opened (reading a FIFO would wait for a writer for ever).
 */
function kindOf(file: string): EntryKind {
  try {
    const stat = statSync(file);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

function notAFile(file: string, kind: EntryKind): FileProblem {
  return {
    file,
    pointer: '',
    code: 'not-a-file',
    message:
      kind === 'missing'
        ? 'er et symbolsk link til noget, der ikke findes (eller ikke kan læses); ret linket eller fjern det'
        : 'er ikke en almindelig fil (fx en FIFO, en socket eller en enhed) og læses ikke; læg regelsættet i en almindelig fil',
  };
}

function sortedEntries(dir: string) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
