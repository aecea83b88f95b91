/**
 * CLI fuzzing: on any rules tree, `speciale-rules` never throws, exits 0 or 1, always says something,
 * names the file (and JSON pointer) of what it refuses as `file:/pointer: message`, and never prints a
 * stack trace or its last-resort "uventet fejl" (an internal error it did not expect).
 *
 * Trees: the test rule set from builders.ts and a copy of rules/autisme (with its example cases), each
 * with a valid rules.lock.json, then mutated: JSON values changed, files truncated, binary, empty,
 * renamed, removed, replaced by folders. Most cases run `main()` in-process; a few spawn
 * `node bin/speciale-rules.js`. Case counts are printed and written to test-output/fuzz/cli.json.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { ruleset } from '../support/builders';
import { CaseCounter, checkProperty, mutate, mutation, nested, toJsonText, weirdValue, type Mutation } from './arbitraries';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/speciale-rules.js');
const counter = new CaseCounter('cli');
/** Mutated rule files stop a little over 3 MB (a repeated subtree can reach tens of MB). */
const MAX_FILE = 3_000_000;

// Each property runs for a few seconds; leave room for a loaded 2-core CI machine.
jest.setTimeout(120_000);

/** Stack-trace text, or the CLI's own last-resort message for an error it did not expect. */
const STACK_TRACE = /\n\s+at \S|\bat (?:async )?[\w$.<>[\]]+ \([^)\n]*:\d+:\d+\)|node:internal|node_modules[\\/]|\.[cm]?[jt]s:\d+:\d+/;
const UNEXPECTED = /uventet fejl/;

type Tree = Record<string, string | Buffer | null>; // relative path → content; null: a folder

let work: string;
let synthetic: Tree;
let autisme: Tree;

function readTree(dir: string, prefix = ''): Tree {
  const tree: Tree = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(tree, readTree(path.join(dir, entry.name), rel));
    else tree[rel] = readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return tree;
}

function writeTree(dir: string, tree: Tree): void {
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(tree)) {
    const file = path.join(dir, rel);
    if (content === null) {
      mkdirSync(file, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    if (existsSync(file) && statSync(file).isDirectory()) continue; // a folder made by an earlier entry wins
    writeFileSync(file, content);
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  threw?: unknown;
}

async function runMain(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, today: '2026-10-01' };
  try {
    const code = await main(['node', 'speciale-rules', ...args], io);
    return { code, stdout, stderr };
  } catch (threw) {
    return { code: NaN, stdout, stderr, threw };
  }
}

/** The display names a problem line may start with: every file and folder of the tree, relative to cwd. */
function names(tree: Tree, dirRel: string): string[] {
  const out = new Set<string>([dirRel]);
  for (const rel of Object.keys(tree)) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) out.add(path.join(dirRel, ...parts.slice(0, i)));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Everything wrong with one run; [] when it is fine. */
function runProblems(run: Run, opts: { tree: Tree; dirRel: string; problemLines: boolean; json?: boolean }): string[] {
  const problems: string[] = [];
  if (run.threw !== undefined) return [`main() threw: ${run.threw instanceof Error ? (run.threw.stack ?? run.threw.message) : String(run.threw)}`];
  if (run.code !== 0 && run.code !== 1) problems.push(`exit code ${run.code}`);
  const all = `${run.stdout}${run.stderr}`;
  if (all.trim() === '') problems.push('no output at all');
  const stack = STACK_TRACE.exec(all);
  if (stack) problems.push(`stack-trace text: '${stack[0]}'`);
  if (UNEXPECTED.test(all)) problems.push('the CLI reported an unexpected internal error');
  if (opts.json && run.code !== undefined) {
    try {
      const parsed = JSON.parse(run.stdout) as unknown;
      if (opts.problemLines) {
        if (!Array.isArray(parsed)) problems.push('--json output is not an array');
        else if ((parsed.length > 0) !== (run.code === 1)) problems.push(`--json listed ${parsed.length} problems with exit code ${run.code}`);
      }
    } catch {
      problems.push(`--json output is not JSON: ${run.stdout.slice(0, 200)}`);
    }
  } else if (run.code === 1 && opts.problemLines) {
    const candidates = names(opts.tree, opts.dirRel);
    const lines = all.split('\n');
    const named = lines.some((line) => candidates.some((n) => line.startsWith(`${n}:/`) || line.startsWith(`${n}: `)));
    if (!named) problems.push('exit code 1 without a `file:/pointer: message` line');
  }
  return problems;
}

function describeRun(args: string[], run: Run, problems: string[]): string {
  return `speciale-rules ${args.join(' ')} → ${run.code}\n  ${problems.join('\n  ')}\n  stdout: ${run.stdout.slice(0, 600)}\n  stderr: ${run.stderr.slice(0, 600)}`;
}

// ---- tree mutations ----

type FileChange =
  | { kind: 'json'; file: number; mutations: Mutation[]; pretty: boolean }
  | { kind: 'replace'; file: number; value: unknown }
  | { kind: 'truncate'; file: number; at: number }
  | { kind: 'insert'; file: number; at: number; text: string }
  | { kind: 'bytes'; file: number; bytes: Uint8Array }
  | { kind: 'text'; file: number; text: string }
  | { kind: 'remove'; file: number }
  | { kind: 'rename'; file: number; name: string }
  | { kind: 'folder'; file: number }
  | { kind: 'add'; name: string; text: string };

const fileName = fc.oneof(
  fc.constantFrom('2.0.0.json', '1.0.0', '1.0.0.JSON', '.json', 'x.json', 'v1.json', '01.0.0.json', '1.0.0-rc.1.json', '1.0.0+build.json', '99999999999999999999.0.0.json', 'README.md', '.DS_Store', 'cases', 'rules.lock.json', 'æøå.json', ' .json'),
  fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/).filter((n) => n !== '.' && n !== '..'),
);

const change: fc.Arbitrary<FileChange> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('json' as const), file: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }), pretty: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), file: fc.nat(), value: weirdValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), file: fc.nat(), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), file: fc.nat(), at: fc.nat(), text: fc.constantFrom('{', '}', ',', '"', '\\', '\u0000', '\uFEFF', '/* c */', '\n\n', 'ø', '\uD800', ']') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), file: fc.nat(), bytes: fc.uint8Array({ maxLength: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), file: fc.nat(), text: fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '\uFEFF{}', '{"a":1}{"b":2}', '{"a":1,"a":2}', 'x'.repeat(100_000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), file: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), file: fc.nat(), name: fileName }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('folder' as const), file: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), name: fc.tuple(fc.constantFrom('', 'testspeciale/', 'autisme/', 'autisme/cases/', 'testspeciale/cases/', 'ny-speciale/', 'UPPER/', 'a b/'), fileName).map(([d, n]) => `${d}${n}`), text: fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.constant(JSON.stringify(ruleset({ version: '2.0.0', status: 'draft', effectiveFrom: '2027-01-01' })))) }) },
);

/** How deeply JSON text nests (pretty-printing deep values costs depth² characters). */
function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return max;
}

function applyChanges(base: Tree, changes: FileChange[]): Tree {
  const tree: Tree = { ...base };
  for (const c of changes) {
    if (c.kind === 'add') {
      tree[c.name] = c.text;
      continue;
    }
    const files = Object.keys(tree).filter((f) => tree[f] !== null).sort();
    if (files.length === 0) continue;
    const file = files[c.file % files.length];
    const content = tree[file] as string | Buffer;
    const text = typeof content === 'string' ? content : content.toString('utf8');
    switch (c.kind) {
      case 'json': {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          break;
        }
        const mutated = mutate(value, c.mutations);
        const compact = toJsonText(mutated, MAX_FILE);
        // Pretty-printed (so pointers map to lines) when small and shallow, and without raw number tokens.
        const small = c.pretty && compact.length < 200_000 && maxDepth(compact) < 64;
        tree[file] = small && JSON.stringify(mutated) === compact ? `${JSON.stringify(mutated, null, 2)}\n` : compact;
        break;
      }
      case 'replace':
        tree[file] = toJsonText(c.value, MAX_FILE);
        break;
      case 'truncate':
        tree[file] = text.slice(0, c.at % (text.length + 1));
        break;
      case 'insert': {
        const i = c.at % (text.length + 1);
        tree[file] = text.slice(0, i) + c.text + text.slice(i);
        break;
      }
      case 'bytes':
        tree[file] = Buffer.from(c.bytes);
        break;
      case 'text':
        tree[file] = c.text;
        break;
      case 'remove':
        delete tree[file];
        break;
      case 'rename':
        delete tree[file];
        tree[path.posix.join(path.posix.dirname(file), c.name)] = content;
        break;
      case 'folder':
        delete tree[file];
        tree[file] = null;
        break;
    }
  }
  return tree;
}

/** A fresh folder with `rules/` holding the tree; cwd for the CLI is the folder. */
function materialise(tree: Tree): string {
  const dir = mkdtempSync(path.join(work, 'case-'));
  writeTree(path.join(dir, 'rules'), tree);
  // The editor schema the rule files name with "$schema", beside the rules folder as in the repository.
  cpSync(path.join(ROOT, 'schemas/rule-file.schema.json'), path.join(dir, 'schemas', 'rule-file.schema.json'));
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'sf-cli-fuzz-'));
  // The synthetic tree: the builders' rule set, locked by the CLI itself.
  const dir = path.join(work, 'synthetic');
  writeTree(path.join(dir, 'rules'), { 'testspeciale/1.0.0.json': `${JSON.stringify(ruleset(), null, 2)}\n` });
  const lock = await runMain(['lock', 'rules'], dir);
  expect(lock.code).toBe(0);
  synthetic = readTree(path.join(dir, 'rules'));
  const valid = await runMain(['validate', 'rules'], dir);
  expect(valid).toMatchObject({ code: 0 });
  // A real speciale with its example cases, and the lock entries for it.
  const real = path.join(work, 'real', 'rules');
  cpSync(path.join(ROOT, 'rules/autisme'), path.join(real, 'autisme'), { recursive: true });
  // Its files name the editor schema by "$schema" (../../schemas/rule-file.schema.json): it comes along.
  cpSync(path.join(ROOT, 'schemas/rule-file.schema.json'), path.join(work, 'real', 'schemas', 'rule-file.schema.json'));
  const fullLock = JSON.parse(readFileSync(path.join(ROOT, 'rules/rules.lock.json'), 'utf8')) as Record<string, string>;
  writeFileSync(path.join(real, 'rules.lock.json'), `${JSON.stringify(Object.fromEntries(Object.entries(fullLock).filter(([k]) => k.startsWith('autisme/'))), null, 2)}\n`);
  autisme = readTree(real);
  const realValid = await runMain(['validate', 'rules'], path.join(work, 'real'));
  expect(realValid).toMatchObject({ code: 0 });
});

afterAll(() => {
  counter.write();
  if (work) rmSync(work, { recursive: true, force: true });
});

const baseTree = fc.constantFrom<'synthetic' | 'autisme'>('synthetic', 'synthetic', 'autisme');
const treeOf = (which: 'synthetic' | 'autisme'): Tree => (which === 'synthetic' ? synthetic : autisme);

describe('speciale-rules validate (in-process)', () => {
  it('on a tree with one random JSON file: exits 0 or 1, names the file, never throws', async () => {
    const folder = fc.oneof(fc.constantFrom('testspeciale', 'autisme', 'a', 'UPPER', 'with space', 'æøå', '-x', 'x'.repeat(100)), fc.stringMatching(/^[a-z0-9-]{1,30}$/));
    await checkProperty(
      counter,
      'validate: random JSON file',
      fc.asyncProperty(folder, fileName, fc.oneof(fc.jsonValue(), weirdValue), fc.boolean(), async (speciale, name, value, json) => {
        const tree: Tree = { [`${speciale}/${name}`]: toJsonText(value) };
        const dir = materialise(tree);
        const args = ['validate', 'rules', ...(json ? ['--json'] : [])];
        const run = await runMain(args, dir);
        rmSync(dir, { recursive: true, force: true });
        const problems = runProblems(run, { tree, dirRel: 'rules', problemLines: true, json });
        if (problems.length > 0) throw new Error(describeRun(args, run, problems));
      }),
      { numRuns: 150 },
    );
  });

  it('on a mutated valid tree (rule sets, example cases, lock): exits 0 or 1, names the file, never throws', async () => {
    await checkProperty(
      counter,
      'validate: mutated valid trees',
      fc.asyncProperty(baseTree, fc.array(change, { minLength: 1, maxLength: 4 }), fc.boolean(), async (which, changes, json) => {
        const tree = applyChanges(treeOf(which), changes);
        const dir = materialise(tree);
        const args = ['validate', 'rules', ...(json ? ['--json'] : [])];
        const run = await runMain(args, dir);
        rmSync(dir, { recursive: true, force: true });
        const problems = runProblems(run, { tree, dirRel: 'rules', problemLines: true, json });
        if (problems.length > 0) throw new Error(describeRun(args, run, problems));
      }),
      { numRuns: 200 },
    );
  });
});

describe('speciale-rules validate on deeply nested rule files (in-process)', () => {
  // Regression (found by this property, fixed in f67dec7): the line/column JSON scanner that loads rule files
  // recursed once per nesting level, so a rule file nested ~3000 levels deep overflowed the stack and
  // `validate` printed only "speciale-rules: uventet fejl: Maximum call stack size exceeded", naming no file.
  it('names the file and exits 1 for a rule file nested thousands of levels deep', async () => {
    await checkProperty(
      counter,
      'validate: deeply nested rule files',
      fc.asyncProperty(fc.integer({ min: 200, max: 20_000 }), fc.constantFrom<'object' | 'array'>('object', 'array'), fc.constantFrom('1.0.0.json', 'cases/x.json'), async (depth, kind, file) => {
        const tree: Tree = { ...synthetic, [`testspeciale/${file}`]: toJsonText(nested(depth, kind)) };
        const dir = materialise(tree);
        const run = await runMain(['validate', 'rules'], dir);
        rmSync(dir, { recursive: true, force: true });
        const problems = runProblems(run, { tree, dirRel: 'rules', problemLines: true });
        if (run.code !== 1) problems.push(`exit code ${run.code}, expected 1`);
        if (problems.length > 0) throw new Error(describeRun(['validate', 'rules'], run, problems));
      }),
      { numRuns: 20 },
    );
  });
});

describe('the other commands on mutated trees (in-process)', () => {
  it('test, render, diff, lock and impact exit 0 or 1 with a message, never throw', async () => {
    const command: fc.Arbitrary<string[]> = fc.oneof(
      fc.constantFrom<string[]>(['test', 'rules'], ['test', 'rules', '--json'], ['lock', 'rules']),
      fc.tuple(fc.constantFrom('testspeciale', 'autisme', 'nope'), fc.constantFrom('md', 'html'), fc.option(fc.constantFrom('1.0.0', '1.1.0', '9.9.9'), { nil: undefined })).map(([s, f, v]) => ['render', s, ...(v ? [v] : []), '--dir', 'rules', '--format', f]),
      fc.tuple(fc.constantFrom('testspeciale', 'autisme', 'nope'), fc.constantFrom('1.0.0', '1.1.0', '9.9.9'), fc.constantFrom('1.0.0', '1.1.0', '2.0.0'), fc.boolean()).map(([s, a, b, j]) => ['diff', s, a, b, '--dir', 'rules', ...(j ? ['--json'] : [])]),
      fc.constantFrom<string[]>(['impact', 'rules/testspeciale/1.0.0.json', '--snapshot', 'missing.json', '--dir', 'rules'], ['impact', 'rules/autisme/1.1.0.json', '--snapshot', 'rules/autisme/1.0.0.json', '--dir', 'rules', '--json']),
    );
    await checkProperty(
      counter,
      'test/render/diff/lock/impact: mutated trees',
      fc.asyncProperty(baseTree, fc.array(change, { minLength: 0, maxLength: 3 }), command, async (which, changes, args) => {
        const tree = applyChanges(treeOf(which), changes);
        const dir = materialise(tree);
        const run = await runMain(args, dir);
        rmSync(dir, { recursive: true, force: true });
        // Only `lock` reports problems as file lines; the others name the file inside their message.
        const problems = runProblems(run, { tree, dirRel: 'rules', problemLines: args[0] === 'lock', json: false });
        if (problems.length > 0) throw new Error(describeRun(args, run, problems));
      }),
      { numRuns: 150 },
    );
  });
});

describe('node bin/speciale-rules.js (spawned)', () => {
  beforeAll(() => {
    // jest's globalSetup (test/support/buildOnce.js) builds dist/; build here only if it is missing or stale.
    const built = path.join(ROOT, 'dist/src/cli/main.js');
    const source = path.join(ROOT, 'src/cli/main.ts');
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) {
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
    }
  });

  it('validate on mutated trees: exit status 0 or 1, a file line on 1, no stack trace', async () => {
    await checkProperty(
      counter,
      'spawned validate: mutated trees',
      fc.asyncProperty(baseTree, fc.array(change, { minLength: 0, maxLength: 3 }), async (which, changes) => {
        const tree = applyChanges(treeOf(which), changes);
        const dir = materialise(tree);
        const child = spawnSync(process.execPath, [BIN, 'validate', 'rules'], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
        rmSync(dir, { recursive: true, force: true });
        const run: Run = { code: child.status ?? NaN, stdout: child.stdout ?? '', stderr: child.stderr ?? '' };
        if (child.signal) run.threw = `killed by ${child.signal}`;
        const problems = runProblems(run, { tree, dirRel: 'rules', problemLines: true });
        if (problems.length > 0) throw new Error(describeRun(['validate', 'rules'], run, problems));
      }),
      { numRuns: 8 },
    );
  });
});
