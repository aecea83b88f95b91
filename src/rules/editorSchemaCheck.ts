import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EDITOR_SCHEMA_COMMAND, EDITOR_SCHEMA_NAME, EDITOR_SCHEMA_REFERENCE, editorSchema, serializeEditorSchema } from './editorSchema';
import { canonicalJson } from './hash';
import type { FileProblem } from './load';
import { isSemver } from './semver';

/**
 * Editor support in a rules tree: the editor schema lies beside the rules folder
 * (<dir>/../schemas/rule-file.schema.json, where every rule file's "$schema" leads) and matches the
 * fact catalogue. `speciale-rules validate` reports these; the service and `lock` do not need them.
 */

export type EditorSchemaCode = 'editor-schema-stale' | 'editor-schema-reference';

/** Where the editor schema of a rules folder lies: the file a rule file's "$schema" leads to. */
export function editorSchemaFile(rulesDir: string): string {
  return path.join(path.dirname(path.resolve(rulesDir)), 'schemas', EDITOR_SCHEMA_NAME);
}

export interface WrittenSchema {
  file: string;
  /** False when the file already held the current schema. */
  changed: boolean;
}

/** Write the editor schema for a rules folder (`speciale-rules schema`). */
export function writeEditorSchema(rulesDir: string): WrittenSchema {
  const file = editorSchemaFile(rulesDir);
  const text = serializeEditorSchema();
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return { file, changed: false };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, 'utf8');
  return { file, changed: true };
}

/**
 * Where a rules folder has an editor schema beside it (a repository), the schema must match what the
 * catalogue gives now (formatting aside) and each rule file must point at it. A folder without one, such
 * as a copy of the rules mounted for the service, has no editor support to check.
 */
export function editorSchemaProblems(rulesDir: string): FileProblem[] {
  const file = editorSchemaFile(rulesDir);
  if (!existsSync(file)) return [];
  const rules = ruleFiles(rulesDir);
  const reference = (value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).$schema : undefined);
  const run = `kør \`${EDITOR_SCHEMA_COMMAND}\``;
  const problems: FileProblem[] = [];
  if (!isCurrent(file)) {
    problems.push({
      file,
      pointer: '',
      code: 'editor-schema-stale',
      message: `editor-skemaet passer ikke til faktakataloget (schemas/fact-catalogue.json) og ordlisterne; ${run} og commit filen (ret ikke i den i hånden)`,
    });
  }
  for (const rule of rules) {
    const value = reference(rule.value);
    if (value === EDITOR_SCHEMA_REFERENCE) continue;
    problems.push(
      value === undefined
        ? {
            file: rule.file,
            pointer: '',
            code: 'editor-schema-reference',
            message: `filen mangler "$schema": "${EDITOR_SCHEMA_REFERENCE}" øverst, så editoren kan foreslå og kontrollere fakta, operatorer og værdier; tilføj linjen (den indgår ikke i indholds-hashen)`,
          }
        : {
            file: rule.file,
            pointer: '/$schema',
            code: 'editor-schema-reference',
            message: `"$schema" er ${JSON.stringify(value)}, men editor-skemaet for denne mappe er "${EDITOR_SCHEMA_REFERENCE}"; ret linjen (den indgår ikke i indholds-hashen)`,
          },
    );
  }
  return problems;
}

function isCurrent(file: string): boolean {
  try {
    const text = readFileSync(file, 'utf8');
    // As written by `speciale-rules schema`, byte for byte; otherwise compare the content.
    return text === serializeEditorSchema() || canonicalJson(JSON.parse(text)) === canonicalJson(editorSchema());
  } catch {
    return false; // unreadable or not JSON: regenerating it is the remedy as well
  }
}

/**
 * The rule files' parsed content, read here with plain JSON.parse: loadRulesTree would parse every example
 * case with positions too (about 120 ms for the shipped tree, against 10 ms for this). A file that does not
 * parse is left to the rules check, which reports it.
 */
function ruleFiles(rulesDir: string): { file: string; value: unknown }[] {
  const files: { file: string; value: unknown }[] = [];
  for (const folder of entries(rulesDir)) {
    const dir = path.join(rulesDir, folder);
    if (!isKind(dir, 'directory')) continue;
    for (const name of entries(dir)) {
      const file = path.join(dir, name);
      if (!name.endsWith('.json') || !isSemver(name.slice(0, -'.json'.length)) || !isKind(file, 'file')) continue;
      try {
        files.push({ file, value: JSON.parse(readFileSync(file, 'utf8')) as unknown });
      } catch {
        // reported by the rules check
      }
    }
  }
  return files;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
  } catch {
    return [];
  }
}

function isKind(file: string, kind: 'file' | 'directory'): boolean {
  try {
    const stat = statSync(file);
    return kind === 'file' ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}
