import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, contentHash, rulesetHash } from '../../src/rules/hash';

/**
 * The definition every stored hash was made with (rules/rules.lock.json, evidence and rule-set hashes in
 * stored decisions). canonicalJson writes the same text without building the copy; it must never differ.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v);
    }
    return sorted;
  }
  return value;
}
const definition = (value: unknown): string => JSON.stringify(sortKeys(value));
const definitionHash = (value: unknown): string => `sha256:${createHash('sha256').update(definition(value)).digest('hex')}`;

/** An object with exactly these own enumerable properties, '__proto__' included (as JSON.parse makes it). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

const awkwardKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('', '0', '1', '01', '10', '9', '-1', '1.5', '4294967294', '4294967295', '__proto__', 'constructor', 'toJSON', 'Æble', 'æble', 'z', 'Z', '\u00e9', 'e\u0301', '🦄', '\ud800', '"', '\\', '\u2028', '\ufeff'),
);
const awkwardLeaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.double(),
  fc.constantFrom(-0, 0, 1e21, 1e-7, -1e21, 5e-324, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2, true, false, null, undefined, '\ufeffbom', 'tab\there', '\u0000', '</script>'),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    awkwardLeaf,
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.array(fc.tuple(awkwardKey, tie('tree')), { maxLength: 6 }).map(objectOf),
  ),
}));

describe('canonical JSON and content hashes', () => {
  it('give the text and hash every stored hash was made with, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        expect(canonicalJson(value)).toBe(definition(value));
        expect(contentHash(value)).toBe(definitionHash(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('give the same text for undefined properties, -0, 1e21, array-index-like and unicode keys, __proto__ and nested arrays', () => {
    fc.assert(
      fc.property(tree, (value) => {
        expect(canonicalJson(value)).toBe(definition(value));
        if (value !== undefined) expect(contentHash(value)).toBe(definitionHash(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('order keys by UTF-16 code units, with array-index keys first in numeric order, as the sorted copy lists them', () => {
    const value = objectOf([['b', 1], ['10', 2], ['a', undefined], ['9', 3], ['01', 4], ['B', 5], ['4294967295', 6], ['æ', 7], ['__proto__', { x: 1 }]]);
    expect(canonicalJson(value)).toBe('{"9":3,"10":2,"01":4,"4294967295":6,"B":5,"b":1,"æ":7}');
    expect(canonicalJson(value)).toBe(definition(value));
  });

  it('follow JSON.stringify for values that are not JSON', () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    for (const value of [sparse, [undefined, () => 1, Symbol('s')], { f: () => 1, s: Symbol('s'), n: NaN, i: -Infinity }, new Date(0), new Map([[1, 2]])]) {
      expect(canonicalJson(value)).toBe(definition(value));
    }
    expect(canonicalJson(undefined)).toBeUndefined();
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });

  it('hash large values (many items, wide objects) exactly as the definition does', () => {
    const wide = objectOf(Array.from({ length: 40 }, (_, i): [string, unknown] => [`k${(i * 7) % 40}`, i % 3 === 0 ? undefined : i]));
    const big = { wide, items: Array.from({ length: 3000 }, (_, i) => ({ ref: `M-${i}`, name: 'Lærkehøj Å 🦄', fte: i / 7 })) };
    expect(contentHash(big)).toBe(definitionHash(big));
  });

  it('leave status and $schema out of a rule set hash', () => {
    const content = { speciale: 'x', version: '1.0.0', levels: {} };
    expect(rulesetHash({ ...content, status: 'retired', $schema: '../x.json' })).toBe(definitionHash(content));
  });
});

describe('evidence hashes on record', () => {
  // Stored evaluations hold these; hashing once per stored request must not change a single one.
  it.each([
    ['rules/autisme/cases/raadgivningsfunktion-opfyldt.json', 'sha256:f81f5e98a94a997e4bf9dfa82accdc861ae9120b3fa01146f64a873ab412eba1'],
    ['rules/synsnedsaettelse/cases/aktiv-praksis-ikke-opfyldt.json', 'sha256:9032d991c6c266c9724bce5997c92ad66968e5f0be3d9f11e386b2d2db557c62'],
  ])('keeps the hash of the evidence in %s', (file, hash) => {
    const evidence = JSON.parse(require('node:fs').readFileSync(require('node:path').resolve(__dirname, '../..', file), 'utf8')).evidence;
    expect(contentHash(evidence)).toBe(hash);
  });

  it('keeps the hash of evidence with non-ASCII and quoted text', () => {
    expect(contentHash({ reportingDate: '2026-01-01', provider: { tilbudId: '1', name: 'Æble "x"', kommunekode: '101' }, staff: [] })).toBe(
      'sha256:197b38960d552d211eeca3d83bbec90bef02efc12e20ac98094b33248f7ce1f0',
    );
  });
});
