/**
 * The generated part of openapi.yaml: schemas/evidence.schema.json and schemas/ruleset.schema.json
 * (the standalone JSON Schemas the CLI, ajv and editors use) copied into `components/schemas` as
 * Evidence and Ruleset, each `$defs` entry hoisted beside them as a component of its own (`provider`
 * of Evidence becomes EvidenceProvider), so generated clients get no `$defs` property and the
 * contract needs no bundling. `npm run contract:bundle` rewrites that part; a test fails when it is stale.
 *
 * Only the generated entries' text is replaced (located with the yaml Document API), because a
 * re-serialised document would refold the hand-written descriptions and respace its flow mappings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isScalar, isCollection, type Pair } from 'yaml';
import { SPEC_FILE } from './projectRoot';

type JsonObject = Record<string, unknown>;

export const BUNDLE_COMMAND = 'npm run contract:bundle';

/** Which JSON Schema file becomes which component. */
export const SCHEMA_SOURCES: readonly { component: string; file: string }[] = [
  { component: 'Evidence', file: 'schemas/evidence.schema.json' },
  { component: 'Ruleset', file: 'schemas/ruleset.schema.json' },
];

const MARKER = 'Generated from ';
/** Generated collections this short are written on one line, as the JSON source does. */
const FLOW_WIDTH = 100;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function marker(source: string): string {
  return `${MARKER}${source} by \`${BUNDLE_COMMAND}\`: edit the JSON Schema and re-run, not this entry.`;
}

/**
 * The components one JSON Schema file becomes: the root (without `$id`, `$schema`, `$defs`) under
 * its component name, then each `$defs` entry as `<component><Def>`, every `#…` reference of the
 * file rewritten to where its target now is.
 */
export function componentsOf(component: string, file: string, schema: JsonObject): [string, JsonObject][] {
  const { $id: _id, $schema: _schema, $defs, ...root } = schema;
  const defs = isObject($defs) ? $defs : {};
  const defNames = new Map(Object.keys(defs).map((def) => [def, `${component}${pascalCase(def)}`]));
  const target = (ref: string): string => {
    if (!ref.startsWith('#')) throw new Error(`${file}: only references within the file can be bundled, not ${ref}`);
    const hoisted = /^#\/\$defs\/([^/]+)(.*)$/.exec(ref);
    const name = hoisted ? defNames.get(hoisted[1].replace(/~1/g, '/').replace(/~0/g, '~')) : undefined;
    if (hoisted && name === undefined) throw new Error(`${file}: ${ref} names no $defs entry`);
    return name !== undefined && hoisted ? `#/components/schemas/${name}${hoisted[2]}` : `#/components/schemas/${component}${ref.slice(1)}`;
  };
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!isObject(node)) return node;
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? target(value) : rewrite(value)]));
  };
  return [
    [component, { $comment: marker(file), ...(rewrite(root) as JsonObject) }],
    ...[...defNames].map(([def, name]): [string, JsonObject] => [name, { $comment: marker(`${file}#/$defs/${def}`), ...(rewrite(defs[def]) as JsonObject) }]),
  ];
}

/** The generated entries as YAML text, indented to sit under `components/schemas`. */
function entriesText(entries: [string, JsonObject][], indent: string): string {
  const doc = new YAML.Document(Object.fromEntries(entries));
  YAML.visit(doc, {
    Node(_key, node) {
      if (isCollection(node) && JSON.stringify(node.toJSON()).length <= FLOW_WIDTH) node.flow = true;
    },
  });
  // The top level (component name: schema) and each schema's own keys stay block style.
  if (isMap(doc.contents)) for (const pair of doc.contents.items) if (isCollection(pair.value)) pair.value.flow = false;
  return doc
    .toString({ indent: 2, lineWidth: 0, singleQuote: true })
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? line : indent + line))
    .join('\n');
}

function isGenerated(pair: Pair): boolean {
  const name = isScalar(pair.key) ? String(pair.key.value) : '';
  if (SCHEMA_SOURCES.some((s) => s.component === name)) return true;
  const comment = isMap(pair.value) ? pair.value.get('$comment') : undefined;
  return typeof comment === 'string' && comment.startsWith(MARKER);
}

/**
 * openapi.yaml's text with its generated entries (the components named in SCHEMA_SOURCES and every
 * entry marked as generated) replaced by `entries`, in one block where the old ones stood; every
 * other byte is kept.
 */
export function withGeneratedSchemas(openapiText: string, entries: [string, JsonObject][]): string {
  const doc = YAML.parseDocument(openapiText);
  if (doc.errors.length > 0) throw new Error(`openapi.yaml does not parse: ${doc.errors[0].message}`);
  const schemas = doc.getIn(['components', 'schemas'], true);
  if (!isMap(schemas)) throw new Error('openapi.yaml has no components/schemas mapping');
  const items = schemas.items as Pair[];
  const generated = items.flatMap((pair, index) => (isGenerated(pair) ? [index] : []));
  if (generated.length === 0) throw new Error(`openapi.yaml's components/schemas has no ${SCHEMA_SOURCES.map((s) => s.component).join(' or ')} entry to generate into`);
  const [first, last] = [generated[0], generated[generated.length - 1]];
  if (last - first + 1 !== generated.length) {
    throw new Error(`openapi.yaml: the generated components/schemas entries must stay together; ${String((items[first + generated.findIndex((g, i) => g !== first + i)].key as YAML.Scalar).value)} stands between them`);
  }
  const handWritten = new Set(items.filter((_, i) => i < first || i > last).map((pair) => String((pair.key as YAML.Scalar).value)));
  const clash = entries.find(([name]) => handWritten.has(name));
  if (clash) throw new Error(`openapi.yaml: the generated component ${clash[0]} would replace a hand-written one of that name`);
  const key = items[first].key as YAML.Scalar;
  const value = items[last].value as YAML.Node;
  const start = key.range![0];
  // To the end of the line where the last entry's value ends; the blank lines and comments after it stay.
  const lineEnd = openapiText.indexOf('\n', value.range![1] - 1);
  const lineStart = openapiText.lastIndexOf('\n', start - 1) + 1;
  const indent = openapiText.slice(lineStart, start);
  return openapiText.slice(0, lineStart) + entriesText(entries, indent) + openapiText.slice(lineEnd);
}

/** Every generated entry, from the JSON Schema files under `root`. */
export function generatedSchemas(root: string): [string, JsonObject][] {
  return SCHEMA_SOURCES.flatMap(({ component, file }) => componentsOf(component, file, JSON.parse(readFileSync(path.join(root, file), 'utf8')) as JsonObject));
}

/** What openapi.yaml under `root` should say: its text with the generated part regenerated. */
export function regeneratedContract(root: string, specFile = SPEC_FILE): { file: string; current: string; regenerated: string } {
  const file = path.join(root, specFile);
  const current = readFileSync(file, 'utf8');
  return { file, current, regenerated: withGeneratedSchemas(current, generatedSchemas(root)) };
}
