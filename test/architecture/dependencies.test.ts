/**
 * Dependencies point down: http → approvals → evaluation → rules → evidence → (time, geography, schemas,
 * privacy) → problems (the closed code table). The lower folders are listed here with what each may import from src/; an import upward (the
 * rules running the evaluator, auth building HTTP problems, evidence reaching into the rules) fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');
const BASE = ['time', 'geography', 'schemas', 'privacy', 'problems'];

/** Folder → the src folders its files may import (besides their own folder). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  problems: [],
  time: ['problems'],
  geography: ['problems'],
  schemas: ['problems'],
  privacy: ['problems'],
  store: [],
  contract: [],
  auth: BASE,
  evidence: BASE,
  rules: ['evidence', ...BASE],
  evaluation: ['rules', 'evidence', ...BASE],
};

/** Only the HTTP layer speaks HTTP. */
const HTTP_PACKAGES = ['express', 'helmet', 'swagger-ui-express', 'supertest'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file imports, re-exports or loads with import(). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** The top folder of src/ a relative import lands in (a file directly in src/ counts as its own name). */
function srcFolderOf(from: string, specifier: string): string | undefined {
  const target = path.relative(SRC, path.resolve(path.dirname(from), specifier));
  if (target.startsWith('..')) return undefined; // outside src/, e.g. schemas/*.json data
  return target.split(path.sep)[0].replace(/\.(ts|json)$/, '');
}

const rel = (file: string) => path.relative(path.dirname(SRC), file);

describe('dependencies point down', () => {
  it.each(Object.keys(MAY_IMPORT))('src/%s imports only from the folders below it', (folder) => {
    const allowed = new Set([folder, ...MAY_IMPORT[folder]]);
    const upward: string[] = [];
    const files = filesUnder(path.join(SRC, folder));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const specifier of importsOf(file)) {
        if (HTTP_PACKAGES.includes(specifier)) upward.push(`${rel(file)} imports ${specifier}`);
        if (!specifier.startsWith('.')) continue;
        const target = srcFolderOf(file, specifier);
        if (target !== undefined && !allowed.has(target)) upward.push(`${rel(file)} imports ${specifier} (src/${target})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('nothing but the server imports the HTTP layer, and nothing imports the CLI', () => {
    const wrong: string[] = [];
    for (const file of filesUnder(SRC)) {
      const own = path.relative(SRC, file).split(path.sep)[0];
      for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = srcFolderOf(file, specifier);
        if (target === 'http' && own !== 'http' && own !== 'server.ts') wrong.push(`${rel(file)} imports ${specifier}`);
        if (target === 'cli' && own !== 'cli') wrong.push(`${rel(file)} imports ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
