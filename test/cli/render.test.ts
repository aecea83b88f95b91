import { baseRuleset, cleanupTrees, edited, makeTree, validTree } from '../rules/helpers';
import { cli } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules render', () => {
  it('renders the newest version by default, a draft included, and says on stderr which version and status it shows', async () => {
    const tree = validTree();
    const run = await cli(tree.root, ['render', 'demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('- **Version:** 1.1.0');
    expect(run.stdout).toContain('- **Status:** udkast');
    expect(run.stderr).toBe('viser demo 1.1.0 (udkast), den nyeste version; angiv en version for en anden (findes også: 1.0.0)\n');
  });

  it('refuses the newest version when it has problems, listing them, rather than showing an older one', async () => {
    const tree = validTree();
    tree.write('demo/1.2.0.json', edited(baseRuleset({ version: '1.2.0', status: 'draft' }), (r) => (r.levels.specialfunktion.requirements[0].conditions.all[0].fact = 'x')));
    const run = await cli(tree.root, ['render', 'demo']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^speciale-rules: version 1\.2\.0 af 'demo' har fejl/);
  });

  it('renders a named version with its period in force, and renders HTML', async () => {
    const tree = validTree();
    tree.write('demo/1.1.0.json', baseRuleset({ version: '1.1.0', effectiveFrom: '2027-07-01', title: { da: 'Demo 1.1' } }));
    await cli(tree.root, ['lock']);
    const named = await cli(tree.root, ['render', 'demo', '1.0.0']);
    expect(named.stdout).toMatch(/^# Demo – kriterier/);
    expect(named.stdout).toContain('- **I kraft til og med:** 30. juni 2027');
    expect(named.stderr).toBe('');
    const html = await cli(tree.root, ['render', 'demo', '1.0.0', '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(html.stdout).toContain('<h2>Rådgivningsfunktion</h2>');
  });

  it('refuses a version with problems, listing them, exit 1', async () => {
    const tree = validTree();
    tree.write('demo/1.1.0.json', edited(baseRuleset({ version: '1.1.0', status: 'draft' }), (r) => (r.levels.specialfunktion.requirements[0].conditions.all[0].fact = 'x')));
    const run = await cli(tree.root, ['render', 'demo', '1.1.0']);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      "speciale-rules: version 1.1.0 af 'demo' har fejl; ret dem først (se `speciale-rules validate`):",
      "  rules/demo/1.1.0.json:/levels/specialfunktion/requirements/0/conditions/all/0/fact: ukendt faktum 'x'; brug et faktum fra faktakataloget (schemas/fact-catalogue.json)",
      '',
    ]);
  });

  it('names the specialer that exist when the speciale has no rule sets', async () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset({ status: 'draft' }) });
    const run = await cli(tree.root, ['render', 'autisme']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("speciale-rules: specialet 'autisme' har ingen gyldige regelsæt i rules (findes: demo); se `speciale-rules validate`\n");
  });
});
