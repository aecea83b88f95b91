/**
 * Loading the contract: openapi.yaml is read once (it is self-contained: the schemas of schemas/*.json
 * are generated into it, see src/contract/generatedSchemas.ts) and registered on the service's one ajv
 * instance, where each schema the service validates against is compiled once and cached.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { projectRoot, SPEC_FILE } from '../../contract/projectRoot';
import { escapePointer, schemaAjv } from '../../schemas';

export { projectRoot, SPEC_FILE };

export type JsonObject = Record<string, unknown>;

/** The base URI the document is registered under in ajv. */
const DOCUMENT_ID = 'https://specialfunktion.dk/openapi.yaml';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Loaded {
  document: JsonObject;
  /** The file's text, served as it is. */
  yaml: string;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const file = path.join(projectRoot(), SPEC_FILE);
  const yaml = readFileSync(file, 'utf8');
  const document = YAML.parse(yaml) as JsonObject;
  // Not meta-validated: it is an OpenAPI document, not a schema; only its subschemas are compiled.
  schemaAjv().addSchema(document, DOCUMENT_ID, undefined, false);
  loaded = { document, yaml, validators: new Map() };
  return loaded;
}

/** The contract as a parsed object. Do not mutate. */
export function openapiDocument(): JsonObject {
  return load().document;
}

/** The contract as written in openapi.yaml, to serve at /openapi.yaml. */
export function openapiYaml(): string {
  return load().yaml;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at a local reference ('#/components/schemas/X') in the document, or undefined. */
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

