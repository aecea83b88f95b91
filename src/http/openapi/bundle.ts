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

function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function fileBaseName(fileName: string): string {
  return path.basename(fileName).replace(/\.schema\.json$|\.json$|\.ya?ml$/i, '');
}

/**
 * Replace every reference to a file (`./schemas/evidence.schema.json`, `…#/$defs/provider`) with a
 * reference into components/schemas, where the file's content is placed without `$id`/`$schema`,
 * its `$defs` hoisted beside it as components of their own (`provider` of Evidence becomes
 * EvidenceProvider: generated clients get no `$defs` property), and its own `#…` references
 * rewritten to their new place.
 */
export function bundle(document: JsonObject, baseDir: string): JsonObject {
  const components = (document.components ??= {}) as JsonObject;
  const schemas = (components.schemas ??= {}) as JsonObject;
  const placed = new Map<string, string>(); // absolute file -> component name
  const hoisted = new Map<string, Map<string, string>>(); // component name -> its $defs -> their component names

  /** The reference to a fragment of a placed file, following a `$defs` entry to where it was hoisted. */
  const refInto = (name: string, fragment: string): string => {
    const m = /^\/\$defs\/([^/]+)(.*)$/.exec(fragment);
    const def = m ? hoisted.get(name)?.get(m[1].replace(/~1/g, '/').replace(/~0/g, '~')) : undefined;
    return def !== undefined && m ? `#/components/schemas/${escapePointer(def)}${m[2]}` : `#/components/schemas/${escapePointer(name)}${fragment}`;
  };

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
    let name = preferredName.get(absFile) ?? pascalCase(fileBaseName(absFile));
    if (!preferredName.has(absFile)) {
      while (name in schemas) name = `${name}_`;
    }
    placed.set(absFile, name);
    const content = JSON.parse(readFileSync(absFile, 'utf8')) as JsonObject;
    delete content.$id;
    delete content.$schema;
    const defs = isObject(content.$defs) ? content.$defs : {};
    delete content.$defs;
    schemas[name] = content;
    const defNames = new Map<string, string>();
    for (const def of Object.keys(defs)) {
      let defName = `${name}${pascalCase(def)}`;
      while (defName in schemas || [...defNames.values()].includes(defName)) defName = `${defName}_`;
      defNames.set(def, defName);
    }
    hoisted.set(name, defNames);
    for (const [def, defName] of defNames) schemas[defName] = defs[def];
    for (const node of [content, ...Object.values(defs)]) rewrite(node, path.dirname(absFile), name);
    return name;
  };

  /** `file`: the component a placed file became, whose `#…` references point into it; null outside such files. */
  function rewrite(node: unknown, dir: string, file: string | null): void {
    if (Array.isArray(node)) {
      for (const item of node) rewrite(item, dir, file);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (value.startsWith('#')) {
          // A reference inside a bundled file points into that file, now placed under components.
          if (file !== null) node.$ref = refInto(file, value.slice(1));
        } else if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) {
          const [target, fragment = ''] = value.split('#');
          node.$ref = refInto(place(path.resolve(dir, target)), fragment);
        }
      } else {
        rewrite(value, dir, file);
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
    const bundled = new Set([...placed.values(), ...[...hoisted.values()].flatMap((defs) => [...defs.values()])]);
    for (const [name, schema] of Object.entries(value as JsonObject)) {
      if (!bundled.has(name)) rewrite(schema, baseDir, null);
    }
  }
  return document;
}

