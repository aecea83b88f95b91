import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCases } from '../../src/evaluation/cases';
import { RulesCatalogue } from '../../src/rules/catalogue';
import { problemLine } from '../../src/cli/format';
import { editorSchemaProblems } from '../../src/rules/editorSchemaCheck';
import { rulesetHash } from '../../src/rules/hash';
import { readLock } from '../../src/rules/lockfile';
import { changedParts, lockParts } from '../../src/rules/lockParts';
import { checkRulesTree } from '../../src/rules/validate';

/** The rule sets we ship (rules/): what `speciale-rules validate rules` and `test rules` check in CI. */
const RULES = path.join(__dirname, '..', '..', 'rules');
const ROOT = path.join(__dirname, '..', '..');

describe('the shipped rules tree', () => {
  const check = checkRulesTree(RULES);

  it('has no problems (schema, type-check, ids, dates, lock, cases)', () => {
    expect(check.problems.map((p) => problemLine(p, ROOT))).toEqual([]);
    expect(check.rulesets.length).toBeGreaterThan(0);
  });

  it('passes every example case', async () => {
    const report = await runCases(RULES, new RulesCatalogue(check.rulesets.map((r) => r.ruleset)));
    const failures = report.cases
      .filter((c) => c.status !== 'pass')
      .map((c) => ({ file: path.relative(ROOT, c.file), status: c.status, overall: [c.expectedOverall, c.actualOverall], differences: c.differences, problems: c.problems.map((p) => p.message) }));
    expect(failures).toEqual([]);
    expect(report.cases.length).toBeGreaterThan(0);
  });

  it('has a current editor schema that every rule file points at', () => {
    expect(existsSync(path.join(ROOT, 'schemas', 'rule-file.schema.json'))).toBe(true);
    expect(editorSchemaProblems(RULES).map((p) => problemLine(p, ROOT))).toEqual([]);
  });

  // The hashes the published versions were locked with (and evaluations store): "$schema" is not content.
  it('keeps the content hashes the published versions were locked with', () => {
    const published = {
      'autisme/1.0.0': 'sha256:e63ef5cc9c299fff093c3ba6a0ac7c1bc6ecad7a5fdbaa4f2046c4b9141551b5',
      'autisme/1.1.0': 'sha256:5317bdee7ff38fc5e8f8385652c2767d8275c9de965cba2a0edc1e3d1ba9481c',
      'erhvervet-hjerneskade/1.0.0': 'sha256:328a8ad8e56aff6d74268ef170751e1566777ab3929890df702f5fef01020b1f',
      'erhvervet-hjerneskade/1.1.0': 'sha256:622a5d0f5902a2cbbcf3780ea7a5f7a4dccb5f4f154778af87252b435337da9e',
      'synsnedsaettelse/1.0.0': 'sha256:00300799d8fbe785116faac74744db2d59a03e8d32c697a9ddafb8f9a8c32c1b',
      'synsnedsaettelse/1.1.0': 'sha256:19a58664f38dc358ef54b8b2b394f38dba4f49d8e9d9b38f776de64cbe5ffe22',
    };
    const hashes = Object.fromEntries(check.rulesets.filter((r) => `${r.ruleset.speciale}/${r.ruleset.version}` in published).map((r) => [`${r.ruleset.speciale}/${r.ruleset.version}`, rulesetHash(r.ruleset)]));
    expect(hashes).toEqual(published);
    expect(readLock(path.join(RULES, 'rules.lock.json')).entries).toMatchObject(published);
  });

  it('locks every published version with its parts, so an edit to one after publication is pointed at where it was made', () => {
    const lock = readLock(path.join(RULES, 'rules.lock.json'));
    for (const { ruleset } of check.rulesets.filter((r) => r.ruleset.status !== 'draft')) {
      const key = `${ruleset.speciale}/${ruleset.version}`;
      expect({ key, parts: lock.parts[key] }).toEqual({ key, parts: lockParts(ruleset) });
      const edited = structuredClone(ruleset);
      const requirement = edited.levels.specialfunktion.requirements[1];
      requirement.severity = requirement.severity === 'required' ? 'advisory' : 'required';
      expect(changedParts(edited, lock.parts[key])).toEqual(['/levels/specialfunktion/requirements/1']);
    }
  });
});
