/**
 * openapi.yaml's Evidence, Ruleset and their hoisted `$defs` are generated from schemas/*.json by
 * `npm run contract:bundle`, which rewrites that part and nothing else.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { openapiDocument, projectRoot, type JsonObject } from '../../src/http/openapi';
import { BUNDLE_COMMAND, componentsOf, generatedSchemas, regeneratedContract, withGeneratedSchemas } from '../../src/contract/generatedSchemas';
import { runBundleContract } from '../../src/jobs/bundleContract';

const ROOT = projectRoot();
const text = readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8');
const evidenceSchema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/evidence.schema.json'), 'utf8')) as JsonObject & { $defs: Record<string, JsonObject> };

/** Why openapi.yaml is stale, naming the command that fixes it; null when it is current. */
function staleness(current: string, regenerated: string): string | null {
  return current === regenerated ? null : `openapi.yaml's generated components/schemas differ from schemas/*.json: run \`${BUNDLE_COMMAND}\``;
}

/** openapi.yaml as it was before anything was generated: the components only naming the files. */
const handWrittenOnly = text.replace(
  /^    Evidence:\n[\s\S]*?\n(?=\n    Problem:)/m,
  "    Evidence:\n      $ref: './schemas/evidence.schema.json'\n    Ruleset:\n      $ref: './schemas/ruleset.schema.json'\n",
);

describe('openapi.yaml: the components generated from schemas/*.json', () => {
  it(`is what \`${BUNDLE_COMMAND}\` makes of schemas/*.json today`, () => {
    const { current, regenerated } = regeneratedContract(ROOT);
    expect(staleness(current, regenerated)).toBeNull();
  });

  it('is found stale when a JSON Schema changes without re-running the command', () => {
    const changed = structuredClone(evidenceSchema);
    changed.$defs.provider.properties = { ...(changed.$defs.provider.properties as JsonObject), email: { type: 'string' } };
    const regenerated = withGeneratedSchemas(text, [...componentsOf('Evidence', 'schemas/evidence.schema.json', changed), ...generatedSchemas(ROOT).filter(([name]) => !name.startsWith('Evidence'))]);
    expect(staleness(text, regenerated)).toContain(BUNDLE_COMMAND);
    expect((YAML.parse(regenerated) as { components: { schemas: Record<string, { properties: JsonObject }> } }).components.schemas.EvidenceProvider.properties.email).toEqual({ type: 'string' });
  });

  it('rewrites only the generated entries: from the hand-written file alone it makes openapi.yaml byte for byte', () => {
    expect(handWrittenOnly).not.toBe(text);
    expect(handWrittenOnly).toContain("$ref: './schemas/evidence.schema.json'");
    expect(withGeneratedSchemas(handWrittenOnly, generatedSchemas(ROOT))).toBe(text);
  });

  it('drops the component of a $defs entry that was removed from its JSON Schema', () => {
    const { slug: _slug, ...defs } = evidenceSchema.$defs;
    const withoutSlug = JSON.parse(JSON.stringify({ ...evidenceSchema, $defs: defs }).replace(/\{"\$ref":"#\/\$defs\/slug"/g, '{"type":"string"')) as JsonObject;
    const regenerated = withGeneratedSchemas(text, [...componentsOf('Evidence', 'schemas/evidence.schema.json', withoutSlug), ...generatedSchemas(ROOT).filter(([name]) => !name.startsWith('Evidence'))]);
    const schemas = (YAML.parse(regenerated) as { components: { schemas: JsonObject } }).components.schemas;
    expect(schemas.EvidenceSlug).toBeUndefined();
    expect(schemas.EvidenceProvider).toBeDefined();
    expect(schemas.Problem).toEqual((openapiDocument() as { components: { schemas: JsonObject } }).components.schemas.Problem);
  });

  it('marks every generated entry with where it comes from and the command, and leaves no $defs, $id or file reference', () => {
    const schemas = (openapiDocument() as { components: { schemas: Record<string, JsonObject> } }).components.schemas;
    const generated = generatedSchemas(ROOT);
    expect(generated.map(([name]) => name)).toEqual(expect.arrayContaining(['Evidence', 'EvidenceProvider', 'EvidenceSlug', 'Ruleset', 'RulesetCondition', 'RulesetLeaf']));
    for (const [name, schema] of generated) {
      expect(schemas[name]).toEqual(schema);
      expect(schema.$comment).toEqual(expect.stringContaining(`by \`${BUNDLE_COMMAND}\``));
      expect(JSON.stringify(schema)).not.toMatch(/"\$defs"|"\$id"|"\$ref":"(?!#\/components\/schemas\/)/);
    }
    expect(schemas.EvidenceStaffMember.properties).toMatchObject({ profession: { $ref: '#/components/schemas/EvidenceSlug' } });
  });

  it('refuses to overwrite a hand-written component that a new $defs entry would be named after', () => {
    // Evidence's $defs entry `submission` would become EvidenceSubmission, which openapi.yaml writes by hand.
    const clash = { ...evidenceSchema, $defs: { ...evidenceSchema.$defs, submission: { type: 'string' } } } as JsonObject;
    const entries = [...componentsOf('Evidence', 'schemas/evidence.schema.json', clash), ...generatedSchemas(ROOT).filter(([name]) => !name.startsWith('Evidence'))];
    expect(() => withGeneratedSchemas(text, entries)).toThrow(/EvidenceSubmission/);
  });

  it('refuses to split the generated block around a hand-written entry placed between its entries', () => {
    const split = text.replace(/^    EvidenceSlug:\n/m, '    Interloper: { type: string }\n    EvidenceSlug:\n');
    expect(() => withGeneratedSchemas(split, generatedSchemas(ROOT))).toThrow(/Interloper/);
  });
});

describe(`${BUNDLE_COMMAND}`, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'contract-bundle-'));
    mkdirSync(path.join(dir, 'schemas'));
    for (const file of ['evidence.schema.json', 'ruleset.schema.json']) writeFileSync(path.join(dir, 'schemas', file), readFileSync(path.join(ROOT, 'schemas', file)));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(argv: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = runBundleContract(argv, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } }, dir);
    return { code, out, err };
  }

  it('writes the generated part into a stale openapi.yaml, and --check then passes', () => {
    writeFileSync(path.join(dir, 'openapi.yaml'), handWrittenOnly);
    expect(run(['--check'])).toMatchObject({ code: 1, err: expect.stringContaining(BUNDLE_COMMAND) });
    expect(readFileSync(path.join(dir, 'openapi.yaml'), 'utf8')).toBe(handWrittenOnly);
    expect(run([]).code).toBe(0);
    expect(readFileSync(path.join(dir, 'openapi.yaml'), 'utf8')).toBe(text);
    expect(run(['--check']).code).toBe(0);
  });

  it('answers wrong usage with exit code 2', () => {
    writeFileSync(path.join(dir, 'openapi.yaml'), text);
    expect(run(['--frobnicate']).code).toBe(2);
  });
});
