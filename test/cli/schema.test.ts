import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { EDITOR_SCHEMA_REFERENCE, editorSchema, serializeEditorSchema } from '../../src/rules/editorSchema';
import { baseRuleset, cleanupTrees, lockFor, makeTree, type TempTree } from '../rules/helpers';

afterEach(cleanupTrees);

async function cli(cwd: string, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'speciale-rules', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd });
  return { code, stdout, stderr };
}

/** A repository-like folder: rules/demo/1.0.0.json pointing at schemas/rule-file.schema.json. */
function repository(): TempTree {
  const rule = { ...baseRuleset(), $schema: EDITOR_SCHEMA_REFERENCE };
  return makeTree({ 'demo/1.0.0.json': rule, 'rules.lock.json': lockFor(baseRuleset()) });
}

const SCHEMA = path.join('schemas', 'rule-file.schema.json');

describe('speciale-rules schema', () => {
  it('writes the editor schema that validate then accepts', async () => {
    const repo = repository();
    const written = await cli(repo.root, ['schema']);
    expect(written).toMatchObject({ code: 0, stderr: '' });
    expect(written.stdout).toContain(SCHEMA);
    expect(readFileSync(path.join(repo.root, SCHEMA), 'utf8')).toBe(serializeEditorSchema());
    expect((await cli(repo.root, ['validate'])).code).toBe(0);
    expect((await cli(repo.root, ['schema'])).stdout).toContain('passer allerede');
  });

  it('takes the rules folder as its argument and writes beside it', async () => {
    const repo = repository();
    expect((await cli(path.join(repo.root, 'rules'), ['schema', '.'])).code).toBe(0);
    expect(readFileSync(path.join(repo.root, SCHEMA), 'utf8')).toBe(serializeEditorSchema());
  });

  it('makes validate fail when the committed editor schema is stale, naming the file and the command', async () => {
    const repo = repository();
    const stale = editorSchema() as { $defs: Record<string, unknown> };
    delete stale.$defs['fact-staffCount'];
    mkdirSync(path.join(repo.root, 'schemas'));
    writeFileSync(path.join(repo.root, SCHEMA), serializeEditorSchema(stale));
    const run = await cli(repo.root, ['validate']);
    expect(run.code).toBe(1);
    const [line] = run.stdout.split('\n');
    expect(line.startsWith(`${SCHEMA}: `)).toBe(true);
    expect(line).toContain('`speciale-rules schema`');
  });

  it('gives its findings codes in validate --json', async () => {
    const repo = repository();
    writeFileSync(path.join(repo.dir, 'demo', '1.1.0.json'), JSON.stringify({ ...baseRuleset({ version: '1.1.0', status: 'draft', effectiveFrom: '2030-01-01' }), $schema: '../../schemas/ruleset.schema.json' }));
    await cli(repo.root, ['schema']);
    const elsewhere = await cli(repo.root, ['validate', '--json']);
    expect((JSON.parse(elsewhere.stdout) as { file: string; pointer: string; code: string }[]).map((p) => [p.file, p.pointer, p.code])).toEqual([
      [path.join('rules', 'demo', '1.1.0.json'), '/$schema', 'editor-schema-reference'],
    ]);
  });

  it('is listed in --help', async () => {
    const run = await cli(process.cwd(), ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+schema \[dir\]/m);
  });
});
