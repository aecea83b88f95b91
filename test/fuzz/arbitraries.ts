/**
 * fast-check building blocks shared by the fuzz tests: hostile JSON values, JSON-with-raw-number-tokens,
 * structural mutations of a valid document, and a small case counter that the suites write out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

// ---- raw JSON tokens (numbers JSON.stringify cannot produce) ----

/** A value that is written into the JSON text as is: `1e400`, `-0`, a 40-digit integer … */
export class RawJson {
  constructor(readonly text: string) {}
}

const RAW_NUMBERS = ['1e400', '-1e400', '-0', '-0.0', '0e0', '1E+2', '5e-324', '1.7976931348623157e308', '0.0000000000000000000000000000001', '123456789012345678901234567890123456789', '-9007199254740993', '1.5e-400'];

/**
 * JSON text for a value that may hold RawJson tokens. Iterative, so any depth works (JSON.stringify
 * and structuredClone overflow at a few thousand levels under jest). With `maxChars`, the text stops
 * soon after that length (no longer JSON, but still too large): mutations can blow a body up to tens of
 * MiB, and anything over the 1 MiB limit is refused unread anyway.
 */
export function toJsonText(value: unknown, maxChars = Infinity): string {
  type Frame = { items: unknown[]; i: number } | { obj: Record<string, unknown>; keys: string[]; i: number };
  const out: string[] = [];
  const stack: Frame[] = [];
  let size = 0;
  const push = (...parts: string[]): void => {
    for (const p of parts) {
      out.push(p);
      size += p.length;
    }
  };
  const emit = (v: unknown): void => {
    if (v instanceof RawJson) push(v.text);
    else if (Array.isArray(v)) {
      push('[');
      stack.push({ items: v, i: 0 });
    } else if (v !== null && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      push('{');
      stack.push({ obj, keys: Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function'), i: 0 });
    } else push(JSON.stringify(v) ?? 'null');
  };
  emit(value);
  while (stack.length > 0 && size <= maxChars) {
    const f = stack[stack.length - 1];
    if ('items' in f) {
      if (f.i >= f.items.length) {
        push(']');
        stack.pop();
        continue;
      }
      if (f.i > 0) push(',');
      emit(f.items[f.i++]);
    } else {
      if (f.i >= f.keys.length) {
        push('}');
        stack.pop();
        continue;
      }
      if (f.i > 0) push(',');
      const key = f.keys[f.i++];
      push(JSON.stringify(key), ':');
      emit(f.obj[key]);
    }
  }
  return out.join('');
}

// ---- hostile values ----

const NASTY_STRINGS = [
  '', ' ', '\t\n', 'NaN', 'Infinity', '-Infinity', '1e308', '-0', 'null', 'true', 'undefined', '0x1F', '١٢٣',
  '\u0000', '\uFEFF', '\u202Eabc', '\u200B', 'ÆØÅæøå', 'Lærkehøj Å', '🦄', '👩‍👩‍👧‍👦', 'e\u0301', '\uD83D\uDE00',
  '<script>alert(1)</script>', '"; DROP TABLE x; --', '../../etc/passwd', '${7*7}', '{{7*7}}', '%s%n', '__proto__', 'constructor',
  '010190-1234', '0101901234', '2026-02-30', '2026-13-01', '9999-12-31', '0000-01-01', '2026-09-01T25:00:00Z',
  '29189846', '29189847', '751', '000', 'testspeciale', 'specialfunktion', 'raadgivningsfunktion', '1.0.0', '99.99.99',
];

const NASTY_NUMBERS = [0, -0, 1, -1, 0.5, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 2 ** 31, -(2 ** 31) - 1, 1e21, 1e-7];

/** An object or array nested `depth` levels, built without recursion. */
export function nested(depth: number, kind: 'object' | 'array', leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

const hugeString = (maxLength: number) =>
  fc
    .tuple(fc.integer({ min: Math.min(10_000, maxLength), max: maxLength }), fc.constantFrom('x', 'æ', '🦄', '\\', '"', ' ', '\u0000'))
    .map(([n, c]) => c.repeat(Math.floor(n / c.length)));

/**
 * Anything a careless or hostile client may put where a value belongs, nested at most `maxNesting`
 * levels, with strings of at most `maxString` characters.
 */
export function weirdValueUpTo(maxNesting: number, maxString = 400_000): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((t) => new RawJson(t)) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: hugeString(maxString) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2, max: maxNesting }), fc.constantFrom('object' as const, 'array' as const)).map(([d, k]) => nested(d, k)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1000, max: 10_000 }), fc.constantFrom<unknown>(0, null, 'x', true, {}, [], 1e308)).map(([n, v]) => Array.from({ length: n }, () => v)) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, [], {}, [null], JSON.parse('{"__proto__":1}'), JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: { polluted: true } } }) },
  );
}

export const weirdValue = weirdValueUpTo(4000);

/** Keys a mutation may add: real-looking ones, prototype keys and junk. */
export const weirdKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$ref', '', ' ', 'id', 'cpr', 'padding', 'asOf', 'version', 'dryRun', 'ref', 'fte', 'name', 'staff', 'evidence'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

// ---- structural mutations ----

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string | number;
}

/** Every slot (parent + key) in a JSON-ish document, breadth first, at most `limit`. */
function slots(root: unknown, limit = 5000): Slot[] {
  const out: Slot[] = [];
  const queue: unknown[] = [root];
  for (let head = 0; head < queue.length && out.length < limit; head++) {
    const node = queue[head];
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && out.length < limit; i++) {
        out.push({ parent: node, key: i });
        queue.push(node[i]);
      }
    } else if (node !== null && typeof node === 'object' && !(node instanceof RawJson)) {
      for (const key of Object.keys(node)) {
        out.push({ parent: node as Record<string, unknown>, key });
        queue.push((node as Record<string, unknown>)[key]);
      }
    }
  }
  return out;
}

function containers(root: unknown): Container[] {
  const out: Container[] = [];
  if (root !== null && typeof root === 'object') out.push(root as Container);
  for (const s of slots(root)) {
    const v = Array.isArray(s.parent) ? s.parent[s.key as number] : s.parent[s.key as string];
    if (v !== null && typeof v === 'object' && !(v instanceof RawJson)) out.push(v as Container);
  }
  return out;
}

export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'wrap'; at: number }
  | { op: 'repeat'; at: number; times: number };

/** Structural mutations whose new values nest at most `maxNesting` levels. */
export function mutationUpTo(maxNesting: number, maxString?: number): fc.Arbitrary<Mutation> {
  const value = weirdValueUpTo(maxNesting, maxString);
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: value }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: weirdKey, value: value }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 3000 }) }) },
  );
}

export const mutation = mutationUpTo(4000);

function setSlot(s: Slot, value: unknown): void {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = value;
  else Object.defineProperty(s.parent, s.key as string, { value, enumerable: true, writable: true, configurable: true });
}

function getSlot(s: Slot): unknown {
  return Array.isArray(s.parent) ? s.parent[s.key as number] : s.parent[s.key as string];
}

/**
 * A private copy of a generated value: fast-check hands out the same instance again (constants, shrinking),
 * and a later mutation must not change it (or make it contain itself).
 */
export function fresh(value: unknown): unknown {
  const copyOf = (v: unknown): unknown => (v === null || typeof v !== 'object' || v instanceof RawJson ? v : Array.isArray(v) ? new Array<unknown>(v.length) : {});
  const root = copyOf(value);
  // Iterative: generated values nest thousands of levels deep (structuredClone overflows at ~2000 under jest).
  const work: Array<[unknown, unknown]> = root === value ? [] : [[value, root]];
  while (work.length > 0) {
    const [from, to] = work.pop() as [Record<string, unknown>, Record<string, unknown>];
    for (const key of Object.keys(from)) {
      const child = copyOf(from[key]);
      Object.defineProperty(to, key, { value: child, enumerable: true, writable: true, configurable: true });
      if (child !== from[key]) work.push([from[key], child]);
    }
  }
  return root;
}

/** Apply the mutations in order to a deep copy of `base` (indices wrap around the slots that exist then). */
export function mutate(base: unknown, mutations: Mutation[]): unknown {
  const root: { doc: unknown } = { doc: fresh(base) };
  for (const m of mutations) {
    const all = slots(root);
    if (all.length === 0) continue;
    const s = all[m.at % all.length];
    switch (m.op) {
      case 'delete':
        if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
        else delete s.parent[s.key as string];
        break;
      case 'replace':
        setSlot(s, fresh(m.value));
        break;
      case 'add': {
        const targets = containers(root.doc);
        if (targets.length === 0) break;
        const t = targets[m.at % targets.length];
        if (Array.isArray(t)) t.push(fresh(m.value));
        else Object.defineProperty(t, m.key, { value: fresh(m.value), enumerable: true, writable: true, configurable: true });
        break;
      }
      case 'wrap':
        setSlot(s, [getSlot(s)]);
        break;
      case 'repeat': {
        const v = getSlot(s);
        if (Array.isArray(v) && v.length > 0) setSlot(s, Array.from({ length: m.times }, (_x, i) => v[i % v.length]));
        else if (Array.isArray(s.parent)) s.parent.push(...Array.from({ length: Math.min(m.times, 200) }, () => v));
        break;
      }
    }
  }
  return root.doc;
}

// ---- case counts ----

export class CaseCounter {
  private readonly counts: Record<string, { runs: number; failed: boolean; ms: number }> = {};
  private readonly notes: Record<string, unknown> = {};

  constructor(readonly suite: string) {}

  record(property: string, runs: number, failed: boolean, ms: number): void {
    this.counts[property] = { runs, failed, ms: Math.round(ms) };
    // eslint-disable-next-line no-console
    console.log(`[fuzz ${this.suite}] ${property}: ${runs} cases${failed ? ' (counterexample found)' : ''} in ${Math.round(ms)} ms`);
  }

  /** Extra findings to write next to the counts. */
  note(key: string, value: unknown): void {
    this.notes[key] = value;
  }

  /** test-output/fuzz/<suite>.json: { property: { runs, failed, ms } } plus the total. */
  write(): void {
    const dir = path.join(__dirname, '..', '..', 'test-output', 'fuzz');
    mkdirSync(dir, { recursive: true });
    const total = Object.values(this.counts).reduce((n, c) => n + c.runs, 0);
    writeFileSync(path.join(dir, `${this.suite}.json`), `${JSON.stringify({ suite: this.suite, total, properties: this.counts, ...this.notes }, null, 2)}\n`);
  }
}

/** A single case slower than this fails the property (fast-check reports it and shrinks it). */
export const CASE_TIMEOUT_MS = 5000;

/**
 * Shrinking a case that times out costs CASE_TIMEOUT_MS per attempt; stop well inside the fuzz files'
 * 120 s jest timeout so the report (seed, path, counterexample) is printed instead of lost with the test.
 */
const PROPERTY_TIME_LIMIT_MS = 90_000;

/**
 * Run a property, record how many cases ran, and fail with fast-check's report (seed, path,
 * shrunk counterexample) when one is found.
 */
export async function checkProperty<Ts>(counter: CaseCounter, name: string, property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts>): Promise<void> {
  const started = performance.now();
  // The seed is printed first so a run that never ends (a blocked event loop) can still be replayed.
  const seed = params.seed ?? (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined) ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
  if (process.env.FUZZ_VERBOSE) process.stderr.write(`[fuzz ${counter.suite}] ${name}: seed ${seed}\n`);
  const details = await fc.check(property, { timeout: CASE_TIMEOUT_MS, interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS, markInterruptAsFailure: true, ...params, seed });
  counter.record(name, details.numRuns, details.failed, performance.now() - started);
  if (details.failed) {
    const e = details.errorInstance;
    const cause = e instanceof Error ? (e.message.includes(' → ') ? e.message : (e.stack ?? e.message).split('\n').slice(0, 15).join('\n')) : String(e);
    // fast-check's own report stringifies recursively and overflows on the deeply nested values; print a bounded one.
    throw new Error(
      `Property '${name}' failed after ${details.numRuns} cases (shrunk ${details.numShrinks} times${details.interrupted ? `, stopped after ${PROPERTY_TIME_LIMIT_MS / 1000} s` : ''})\n` +
        `Reproduce with { seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)}, endOnFailure: true }\n` +
        `Counterexample: ${preview(details.counterexample)}\n\nThe failing case:\n${cause}`,
    );
  }
}

/** At most `max` characters of JSON for any value, however deep. */
export function preview(value: unknown, max = 1500): string {
  let text: string;
  try {
    text = toJsonText(value);
  } catch (error) {
    text = `[unprintable: ${(error as Error).message}]`;
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
