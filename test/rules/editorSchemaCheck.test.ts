import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EDITOR_SCHEMA_REFERENCE, editorSchema, serializeEditorSchema } from '../../src/rules/editorSchema';
import { editorSchemaFile, editorSchemaProblems, writeEditorSchema } from '../../src/rules/editorSchemaCheck';
import { updateLock } from '../../src/rules/lock';
import { checkRulesTree } from '../../src/rules/validate';
import { baseRuleset, cleanupTrees, lockFor, makeTree, type TempTree } from './helpers';

afterEach(cleanupTrees);

const pointTo = (reference: string | undefined) => {
  const { $schema: _old, ...rest } = baseRuleset();
  return reference === undefined ? rest : { $schema: reference, ...rest };
};

/** A rules tree whose rule file says `reference` in "$schema", with the editor schema beside it when `schema` is given. */
function tree(reference: string | undefined, schema?: string): TempTree {
  const rule = pointTo(reference);
  const t = makeTree({ 'demo/1.0.0.json': rule, 'rules.lock.json': lockFor(baseRuleset()) });
  if (schema !== undefined) {
    mkdirSync(path.join(t.root, 'schemas'));
    writeFileSync(path.join(t.root, 'schemas', 'rule-file.schema.json'), schema);
  }
  return t;
}

const found = (t: TempTree) => editorSchemaProblems(t.dir).map((p) => ({ file: path.relative(t.root, p.file), pointer: p.pointer, code: p.code }));

/** The committed schema with one fact gone, as it reads after a fact was added to the catalogue. */
function withoutLastFact(): string {
  const schema = editorSchema() as { $defs: { leaf: { properties: { fact: { enum: string[] } } } } };
  schema.$defs.leaf.properties.fact.enum.pop();
  return serializeEditorSchema(schema);
}

describe('editor support in a rules tree', () => {
  it('finds nothing when the editor schema is current and every rule file points at it', () => {
    expect(found(tree(EDITOR_SCHEMA_REFERENCE, serializeEditorSchema()))).toEqual([]);
  });

  it('reports an editor schema that no longer matches the catalogue, naming the file', () => {
    expect(found(tree(EDITOR_SCHEMA_REFERENCE, withoutLastFact()))).toEqual([{ file: path.join('schemas', 'rule-file.schema.json'), pointer: '', code: 'editor-schema-stale' }]);
  });

  it('tells how to bring a stale editor schema up to date', () => {
    const [problem] = editorSchemaProblems(tree(EDITOR_SCHEMA_REFERENCE, withoutLastFact()).dir);
    expect(problem.message).toContain('`speciale-rules schema`');
  });

  it('reports an editor schema that is not JSON as stale', () => {
    expect(found(tree(EDITOR_SCHEMA_REFERENCE, '{ "allOf": ')).map((p) => p.code)).toEqual(['editor-schema-stale']);
  });

  it('does not mind how the editor schema is formatted', () => {
    expect(found(tree(EDITOR_SCHEMA_REFERENCE, JSON.stringify(editorSchema())))).toEqual([]);
  });

  it('reports a rule file whose "$schema" points elsewhere, at "$schema"', () => {
    expect(found(tree('../../schemas/ruleset.schema.json', serializeEditorSchema()))).toEqual([
      { file: path.join('rules', 'demo', '1.0.0.json'), pointer: '/$schema', code: 'editor-schema-reference' },
    ]);
  });

  it('reports a rule file without "$schema" where the tree has an editor schema', () => {
    expect(found(tree(undefined, serializeEditorSchema()))).toEqual([{ file: path.join('rules', 'demo', '1.0.0.json'), pointer: '', code: 'editor-schema-reference' }]);
  });

  it('leaves a rule file that is not JSON to the rules check, and example cases alone', () => {
    const t = tree(EDITOR_SCHEMA_REFERENCE, serializeEditorSchema());
    t.write('demo/1.1.0.json', '{ "speciale": ');
    t.write('demo/cases/ok.json', { name: 'uden $schema' });
    expect(found(t)).toEqual([]);
  });

  it('leaves a rules folder without an editor schema beside it alone, such as a copy mounted for the service', () => {
    expect(found(tree(undefined))).toEqual([]);
    expect(found(tree(EDITOR_SCHEMA_REFERENCE))).toEqual([]);
    expect(found(tree('../../schemas/ruleset.schema.json'))).toEqual([]);
  });

  it('writes the editor schema beside the rules folder, and only when it changed', () => {
    const t = tree(EDITOR_SCHEMA_REFERENCE, withoutLastFact());
    const file = editorSchemaFile(t.dir);
    expect(file).toBe(path.join(t.root, 'schemas', 'rule-file.schema.json'));
    expect(writeEditorSchema(t.dir)).toEqual({ file, changed: true });
    expect(readFileSync(file, 'utf8')).toBe(serializeEditorSchema());
    expect(writeEditorSchema(t.dir)).toEqual({ file, changed: false });
    expect(found(t)).toEqual([]);
  });

  it('does not stop the service or `lock` over a stale editor schema', () => {
    const t = tree(EDITOR_SCHEMA_REFERENCE, withoutLastFact());
    expect(checkRulesTree(t.dir).problems).toEqual([]);
    expect(updateLock(t.dir).problems).toEqual([]);
  });
});
