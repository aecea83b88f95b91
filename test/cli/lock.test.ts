import { rulesetHash } from '../../src/rules/hash';
import { baseRuleset, cleanupTrees, makeTree, validTree } from '../rules/helpers';
import { cli, IMMUTABLE } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules lock', () => {
  it('locks new published versions, then reports that all are locked', async () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset(), 'demo/1.1.0.json': baseRuleset({ version: '1.1.0', effectiveFrom: '2027-01-01' }) });
    expect(await cli(tree.root, ['lock'])).toEqual({
      code: 0,
      stdout: '✓ låste 2 nye versioner: demo/1.0.0, demo/1.1.0 (2 versioner i rules/rules.lock.json)\n',
      stderr: '',
    });
    expect(JSON.parse(tree.read('rules.lock.json'))).toEqual({
      'demo/1.0.0': { hash: rulesetHash(baseRuleset()), parts: expect.objectContaining({ '/levels/specialfunktion/requirements/0': expect.stringMatching(/^sha256:/) }) },
      'demo/1.1.0': { hash: expect.stringMatching(/^sha256:/), parts: expect.any(Object) },
    });
    expect((await cli(tree.root, ['lock', 'rules'])).stdout).toBe('✓ alle udgivne versioner er allerede låst (2 versioner i rules/rules.lock.json)\n');
    expect((await cli(tree.root, ['validate'])).code).toBe(0);
  });

  it('refuses when a locked version changed, exit 1, lock untouched', async () => {
    const tree = validTree();
    const lock = tree.read('rules.lock.json');
    tree.write('demo/1.0.0.json', tree.read('demo/1.0.0.json').replace('"value": 3', '"value": 4'));
    expect(await cli(tree.root, ['lock'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `✗ rules/rules.lock.json er ikke ændret:\nrules/demo/1.0.0.json: version 1.0.0 af 'demo' ${IMMUTABLE}\n`,
    });
    expect(tree.read('rules.lock.json')).toBe(lock);
  });
});
