/**
 * Loading the contract: openapi.yaml is read once, its external schemas bundled (bundle.ts), and the
 * self-contained document registered on the service's one ajv instance, where each schema the
 * service validates against is compiled once and cached.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { escapePointer, schemaAjv } from '../../schemas';
import { bundle } from './bundle';

export type JsonObject = Record<string, unknown>;

export const SPEC_FILE = 'openapi.yaml';
/** The base URI the bundled document is registered under in ajv. */
const DOCUMENT_ID = 'https://specialfunktion.dk/openapi.yaml';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

let root: string | undefined;

/** The project root: the nearest folder above this file holding package.json (works from src/ and dist/src/). */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, SPEC_FILE))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Fall back to the nearest package.json even without the spec, so the error below names the right place.
  dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
}


interface Loaded {
  /** The file as written (with its external references). */
  source: JsonObject;
  /** Self-contained: external schemas bundled under components/schemas. */
  document: JsonObject;
  yaml: string;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const file = path.join(projectRoot(), SPEC_FILE);
  const text = readFileSync(file, 'utf8');
  const source = YAML.parse(text) as JsonObject;
  const document = bundle(structuredClone(source), path.dirname(file));
  const yaml =
    `# ${SPEC_FILE} with the external JSON Schemas (schemas/*.json) bundled under components/schemas.\n` +
    YAML.stringify(document, { schema: 'yaml-1.1', lineWidth: 0, aliasDuplicateObjects: false });
  // Not meta-validated: it is an OpenAPI document, not a schema; only its subschemas are compiled.
  schemaAjv().addSchema(document, DOCUMENT_ID, undefined, false);
  loaded = { source, document, yaml, validators: new Map() };
  return loaded;
}

/** The contract as a parsed, self-contained object (external schemas bundled). Do not mutate. */
export function openapiDocument(): JsonObject {
  return load().document;
}

/** The self-contained contract as YAML text, to serve at /openapi.yaml. */
export function openapiYaml(): string {
  return load().yaml;
}

/** The contract exactly as written in openapi.yaml (external `$ref`s left as they are). */
export function openapiSource(): JsonObject {
  return load().source;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at a local reference ('#/components/schemas/X') in the bundled document, or undefined. */
export function resolvePointer(ref: string, document: unknown = openapiDocument()): unknown {
  if (!ref.startsWith('#')) return undefined;
  const body = ref.slice(1);
  if (body === '') return document;
  if (!body.startsWith('/')) return undefined;
  let node: unknown = document;
  for (const raw of body.slice(1).split('/')) {
    const part = unescapePointer(decodeURIComponent(raw));
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Follow local `$ref`s (response, request body, header objects) to the object and its pointer. */
export function deref(node: unknown, pointer: string): { node: unknown; pointer: string } {
  const seen = new Set<string>();
  while (isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
    if (seen.has(node.$ref)) throw new Error(`Circular $ref ${node.$ref} in ${SPEC_FILE}`);
    seen.add(node.$ref);
    pointer = node.$ref;
    node = resolvePointer(pointer);
  }
  return { node, pointer };
}

export function child(pointer: string, ...segments: string[]): string {
  return pointer + segments.map((s) => `/${escapePointer(s)}`).join('');
}

export function validatorFor(schemaPointer: string): ValidateFunction {
  const state = load();
  let validate = state.validators.get(schemaPointer);
  if (!validate) {
    // The fragment is a JSON Pointer; percent-encode what a URI fragment cannot hold as is.
    const fragment = schemaPointer.slice(1).replace(/[{}%\s]/g, (c) => encodeURIComponent(c));
    validate = schemaAjv().compile({ $ref: `${DOCUMENT_ID}#${fragment}` });
    state.validators.set(schemaPointer, validate);
  }
  return validate;
}

