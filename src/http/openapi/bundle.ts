/**
 * Bundling openapi.yaml's references to files (`./schemas/*.json`) into `components/schemas`, so the
 * served contract is self-contained.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { escapePointer } from '../../schemas';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pascalCase(fileName: string): string {
  const base = path.basename(fileName).replace(/\.schema\.json$|\.json$|\.ya?ml$/i, '');
  return base
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Replace every reference to a file (`./schemas/evidence.schema.json`, `…#/$defs/provider`) with a
 * reference into components/schemas, where the file's content is placed without `$id`/`$schema`
 * and with its own `#…` references rewritten to their new place.
 */
export function bundle(document: JsonObject, baseDir: string): JsonObject {
  const components = (document.components ??= {}) as JsonObject;
  const schemas = (components.schemas ??= {}) as JsonObject;
  const placed = new Map<string, string>(); // absolute file -> component name

  // A component that is nothing but a reference to a whole file gives that file its name.
  const preferredName = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (isObject(schema) && Object.keys(schema).length === 1 && typeof schema.$ref === 'string' && !schema.$ref.startsWith('#')) {
      const [file, fragment] = schema.$ref.split('#');
      if (!fragment) preferredName.set(path.resolve(baseDir, file), name);
    }
  }

  const place = (absFile: string): string => {
    const known = placed.get(absFile);
    if (known) return known;
    let name = preferredName.get(absFile) ?? pascalCase(absFile);
    if (!preferredName.has(absFile)) {
      while (name in schemas) name = `${name}_`;
    }
    placed.set(absFile, name);
    const content = JSON.parse(readFileSync(absFile, 'utf8')) as JsonObject;
    delete content.$id;
    delete content.$schema;
    schemas[name] = content;
    rewrite(content, path.dirname(absFile), `#/components/schemas/${escapePointer(name)}`);
    return name;
  };

  function rewrite(node: unknown, dir: string, localPrefix: string | null): void {
    if (Array.isArray(node)) {
      for (const item of node) rewrite(item, dir, localPrefix);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (value.startsWith('#')) {
          // A reference inside a bundled file points into that file, now placed under localPrefix.
          if (localPrefix !== null) node.$ref = value === '#' ? localPrefix : `${localPrefix}${value.slice(1)}`;
        } else if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) {
          const [file, fragment = ''] = value.split('#');
          const name = place(path.resolve(dir, file));
          node.$ref = `#/components/schemas/${escapePointer(name)}${fragment}`;
        }
      } else {
        rewrite(value, dir, localPrefix);
      }
    }
  }

  // The components that only name a file become the file (in place); then the rest is rewritten.
  for (const absFile of preferredName.keys()) place(absFile);
  for (const [key, value] of Object.entries(document)) {
    if (key !== 'components') rewrite(value, baseDir, null);
  }
  for (const [section, value] of Object.entries(components)) {
    if (section !== 'schemas') {
      rewrite(value, baseDir, null);
      continue;
    }
    for (const [name, schema] of Object.entries(value as JsonObject)) {
      if (![...placed.values()].includes(name)) rewrite(schema, baseDir, null);
    }
  }
  return document;
}

