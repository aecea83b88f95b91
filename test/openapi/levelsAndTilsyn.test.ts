/**
 * The levels and the socialtilsyn are defined once in code (src/rules/types.ts LEVELS, src/geography/names.ts
 * TILSYN_IDS); the contract and the JSON Schemas must list exactly the same values wherever they enumerate
 * them, and every field or parameter called level or tilsyn must be such an enumeration, so a client's
 * generated types cannot drift from what the service accepts and answers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { TILSYN_IDS } from '../../src/geography';
import { LEVELS } from '../../src/rules/types';

type Json = Record<string, unknown>;
const ROOT = path.resolve(__dirname, '../..');
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const openapi = YAML.parse(readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8')) as Json;
const schemaFiles = readdirSync(path.join(ROOT, 'schemas'))
  .filter((f) => f.endsWith('.schema.json'))
  .map((f) => ({ file: `schemas/${f}`, document: JSON.parse(readFileSync(path.join(ROOT, 'schemas', f), 'utf8')) as Json }));

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every node of a document with its JSON Pointer. */
function* nodes(value: unknown, pointer = ''): Generator<{ pointer: string; node: Json }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* nodes(value[i], `${pointer}/${i}`);
    return;
  }
  if (!isObject(value)) return;
  yield { pointer, node: value };
  for (const [key, child] of Object.entries(value)) yield* nodes(child, `${pointer}/${escape(key)}`);
}

/** Follows `$ref`s (within openapi.yaml or into ./schemas/*.json) to the schema they name. */
function resolve(schema: unknown): unknown {
  let current = schema;
  let doc = openapi;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 10; hops++) {
    const [target, fragment = ''] = current.$ref.split('#');
    if (target) doc = JSON.parse(readFileSync(path.join(ROOT, target), 'utf8')) as Json;
    current = fragment
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (isObject(node) || Array.isArray(node) ? (node as Json)[key] : undefined), doc);
  }
  return current;
}

/** The values a schema enumerates; a nullable one (`oneOf: [enum, {type: null}]`) counts as its enumeration. */
function enumOf(schema: unknown): unknown[] | undefined {
  const resolved = resolve(schema);
  if (!isObject(resolved)) return undefined;
  if (Array.isArray(resolved.enum)) return resolved.enum;
  const branches = (resolved.oneOf ?? resolved.anyOf) as unknown[] | undefined;
  const nonNull = branches?.filter((b) => !(isObject(b) && b.type === 'null'));
  return nonNull?.length === 1 ? enumOf(nonNull[0]) : undefined;
}

const documents = [{ file: 'openapi.yaml', document: openapi }, ...schemaFiles];

describe.each([
  { what: 'levels', values: [...LEVELS] as string[], names: ['level'] },
  { what: 'socialtilsyn', values: [...TILSYN_IDS] as string[], names: ['tilsyn', 'socialtilsyn'] },
])('the contract lists the $what the code defines', ({ values, names }) => {
  it('every enumeration naming one of them names exactly all of them, in the same order', () => {
    const found: string[] = [];
    const wrong: string[] = [];
    for (const { file, document } of documents) {
      for (const { pointer, node } of nodes(document)) {
        if (!Array.isArray(node.enum) || !node.enum.some((v) => values.includes(v as string))) continue;
        found.push(`${file}#${pointer}`);
        if (JSON.stringify(node.enum) !== JSON.stringify(values)) wrong.push(`${file}#${pointer}/enum: ${JSON.stringify(node.enum)}`);
      }
    }
    expect(found.length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it(`every property and parameter called ${names.join(' or ')} in openapi.yaml is that enumeration`, () => {
    const plain: string[] = [];
    let checked = 0;
    for (const { pointer, node } of nodes(openapi)) {
      if (isObject(node.properties)) {
        for (const name of names) {
          if (!(name in node.properties)) continue;
          checked++;
          if (JSON.stringify(enumOf(node.properties[name])) !== JSON.stringify(values)) plain.push(`${pointer}/properties/${name}`);
        }
      }
      if (typeof node.name === 'string' && names.includes(node.name) && typeof node.in === 'string') {
        checked++;
        if (JSON.stringify(enumOf(node.schema)) !== JSON.stringify(values)) plain.push(`${pointer} (${node.in} parameter ${node.name})`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(plain).toEqual([]);
  });
});
