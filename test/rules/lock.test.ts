import { existsSync } from 'node:fs';
import path from 'node:path';
import { rulesetHash } from '../../src/rules/hash';
import { readLock, serializeLock, updateLock } from '../../src/rules/lock';
import { lockParts } from '../../src/rules/lockParts';
import { checkRulesTree } from '../../src/rules/validate';
import { baseRuleset, cleanupTrees, edited, lockFor, makeTree, validTree } from './helpers';

afterEach(cleanupTrees);

describe('the lock file', () => {
  it('is written with keys by speciale and numeric version, two-space indent and a trailing newline', () => {
    expect(serializeLock({ 'demo/1.10.0': 'sha256:b', 'autisme/1.0.0': 'sha256:c', 'demo/1.9.0': 'sha256:a' })).toBe(
      '{\n  "autisme/1.0.0": "sha256:c",\n  "demo/1.9.0": "sha256:a",\n  "demo/1.10.0": "sha256:b"\n}\n',
    );
  });

  it('reads a missing lock as empty', () => {
    expect(readLock('/nonexistent/rules.lock.json')).toEqual({ file: '/nonexistent/rules.lock.json', exists: false, entries: {}, parts: {}, problems: [] });
  });
});

describe('updateLock', () => {
  it('locks every published and retired version, not drafts, and then validation passes', () => {
    const a = baseRuleset();
    const b = baseRuleset({ version: '1.1.0', status: 'retired', effectiveFrom: '2026-06-01' });
    const c = baseRuleset({ version: '1.2.0', status: 'draft', effectiveFrom: '2027-01-01' });
    const tree = makeTree({ 'demo/1.0.0.json': a, 'demo/1.1.0.json': b, 'demo/1.2.0.json': c });
    expect(checkRulesTree(tree.dir).problems.map((p) => p.code)).toEqual(['lock-missing', 'lock-missing']);

    const result = updateLock(tree.dir);
    expect(result).toEqual({ file: path.join(tree.dir, 'rules.lock.json'), added: ['demo/1.0.0', 'demo/1.1.0'], locked: 2, written: true, problems: [] });
    expect(tree.read('rules.lock.json')).toBe(serializeLock({ 'demo/1.0.0': rulesetHash(a), 'demo/1.1.0': rulesetHash(b) }, { 'demo/1.0.0': lockParts(a), 'demo/1.1.0': lockParts(b) }));
    expect(checkRulesTree(tree.dir).problems).toEqual([]);
  });

  it('adds only what is missing and leaves existing entries byte for byte', () => {
    const tree = validTree();
    const before = tree.read('rules.lock.json');
    expect(updateLock(tree.dir)).toMatchObject({ added: [], locked: 1, written: false });
    expect(tree.read('rules.lock.json')).toBe(before);

    const v11 = baseRuleset({ version: '1.1.0', effectiveFrom: '2027-07-01' });
    tree.write('demo/1.1.0.json', v11);
    expect(updateLock(tree.dir)).toMatchObject({ added: ['demo/1.1.0'], locked: 2, written: true });
    expect(JSON.parse(tree.read('rules.lock.json'))).toEqual({ ...lockFor(baseRuleset()), 'demo/1.1.0': { hash: rulesetHash(v11), parts: lockParts(v11) } });
  });

  it('keeps a hash per part with each new entry, so an edit after publication is pointed at where it was made', () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset() });
    updateLock(tree.dir);
    const changedTwice = JSON.parse(tree.read('demo/1.0.0.json').replace('"value": 3', '"value": 4'));
    changedTwice.levels.raadgivningsfunktion.approvalPolicy.validityMonths = 12;
    tree.write('demo/1.0.0.json', changedTwice);
    const changed = checkRulesTree(tree.dir).problems.filter((p) => p.code === 'published-version-changed');
    expect(changed.map((p) => p.pointer)).toEqual([
      expect.stringMatching(/^\/levels\/specialfunktion\/requirements\/\d$/),
      '/levels/raadgivningsfunktion/approvalPolicy',
    ]);
  });

  it('points at the requirement list when a requirement was added to or removed from a locked version, and at the file for an entry locked without parts', () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset() });
    updateLock(tree.dir);
    tree.write('demo/1.0.0.json', edited(baseRuleset(), (r) => r.levels.specialfunktion.requirements.splice(1, 1)));
    expect(checkRulesTree(tree.dir).problems.map((p) => [p.pointer, p.code])).toEqual([['/levels/specialfunktion/requirements', 'published-version-changed']]);
    const old = validTree(); // its lock holds the hash only
    old.write('demo/1.0.0.json', edited(baseRuleset(), (r) => (r.title.da = 'Ny titel')));
    expect(checkRulesTree(old.dir).problems.map((p) => [p.pointer, p.code])).toEqual([['', 'published-version-changed']]);
  });

  it('refuses to re-lock a published version that changed, and writes nothing', () => {
    const tree = validTree();
    tree.write('demo/1.1.0.json', baseRuleset({ version: '1.1.0', effectiveFrom: '2027-07-01' }));
    tree.write('demo/1.0.0.json', edited(baseRuleset(), (r) => (r.levels.specialfunktion.requirements[0].conditions.all[0].value = 1)));
    const before = tree.read('rules.lock.json');
    const result = updateLock(tree.dir);
    expect(result.written).toBe(false);
    expect(result.problems).toEqual([
      {
        file: path.join(tree.dir, 'demo', '1.0.0.json'),
        pointer: '',
        code: 'published-version-changed',
        message: "version 1.0.0 af 'demo' er publiceret og må ikke ændres; udgiv en ny version i stedet (published versions are immutable: publish a new version instead)",
      },
    ]);
    expect(tree.read('rules.lock.json')).toBe(before);
  });

  it('refuses to lock a published version that does not validate', () => {
    const broken = edited(baseRuleset(), (r) => (r.levels.specialfunktion.requirements[0].conditions.all[0].operator = 'contains'));
    const tree = makeTree({ 'demo/1.0.0.json': broken });
    const result = updateLock(tree.dir);
    expect(result).toMatchObject({ written: false, added: [] });
    expect(result.problems.map((p) => p.pointer)).toEqual(['/levels/specialfunktion/requirements/0/conditions/all/0/operator']);
    expect(existsSync(path.join(tree.dir, 'rules.lock.json'))).toBe(false);
  });

  it('is not blocked by a broken example case', () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset(), 'demo/cases/x.json': '{' });
    expect(updateLock(tree.dir)).toMatchObject({ added: ['demo/1.0.0'], written: true, problems: [] });
  });
});
