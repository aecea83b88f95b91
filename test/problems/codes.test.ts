import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { codeOfItems, PROBLEM_CODES, PROBLEM_TYPE_BASE, type ProblemCode } from '../../src/problems/codes';

const root = path.join(__dirname, '..', '..');
const table = Object.entries(PROBLEM_CODES).map(([code, { status, meaning }]) => ({ code, status, meaning }));

/** The rows of the markdown table whose header starts with `| <first> | status |`. */
function markdownRows(text: string, first: string): { code: string; status: number; meaning: string }[] {
  const lines = text.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith(`| ${first} | status |`));
  if (start === -1) throw new Error(`no table headed '| ${first} | status |'`);
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [code, status, meaning] = line.slice(1, -1).split(' | ').map((c) => c.trim());
    rows.push({ code: code.replace(/`/g, ''), status: Number(status), meaning });
  }
  return rows;
}

describe('the problem code table', () => {
  it('has kebab-case codes, each with one HTTP error status and a meaning', () => {
    for (const { code, status, meaning } of table) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(status >= 400 && status <= 599).toBe(true);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it('is listed in openapi.yaml: the ProblemType enum and its table, code by code with status and meaning', () => {
    const doc = YAML.parse(readFileSync(path.join(root, 'openapi.yaml'), 'utf8'));
    const problemType = doc.components.schemas.ProblemType as { enum: string[]; description: string };
    expect(problemType.enum).toEqual(table.map((r) => `${PROBLEM_TYPE_BASE}${r.code}`));
    expect(markdownRows(problemType.description, 'kode')).toEqual(table);
    expect(doc.components.schemas.Problem.properties.type).toEqual({ $ref: '#/components/schemas/ProblemType' });
    expect(doc.components.schemas.InvalidParam.required).toEqual(expect.arrayContaining(['pointer', 'code']));
  });

  it('is the README table, code by code with status and meaning', () => {
    expect(markdownRows(readFileSync(path.join(root, 'README.md'), 'utf8'), 'code')).toEqual(table);
  });

  it('names a 422 by its fields\' shared code, and validation-failed when they differ or the code is a schema keyword', () => {
    const item = (code: string) => ({ pointer: '/x', message: 'm', code });
    expect(codeOfItems([item('valid-from-too-early'), item('valid-from-too-early')], 422, 'validation-failed')).toBe('valid-from-too-early');
    expect(codeOfItems([item('valid-from-too-early'), item('validity-too-long')], 422, 'validation-failed')).toBe('validation-failed');
    expect(codeOfItems([item('required')], 422, 'validation-failed')).toBe('validation-failed');
    // A code of another status never becomes a 422's type.
    expect(codeOfItems([item('provider-mismatch' satisfies ProblemCode)], 422, 'validation-failed')).toBe('validation-failed');
  });
});
