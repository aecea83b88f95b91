import { baseRuleset, cleanupTrees, edited, makeTree, validTree } from '../rules/helpers';
import { cli } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules render', () => {
  it('renders the version in force today as Markdown by default', async () => {
    const tree = validTree();
    tree.write('demo/1.1.0.json', baseRuleset({ version: '1.1.0', effectiveFrom: '2027-07-01', title: { da: 'Demo 1.1' } }));
    await cli(tree.root, ['lock']);
    const before = await cli(tree.root, ['render', 'demo'], '2027-06-30');
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^# Demo – kriterier/);
    expect(before.stdout).toContain('- **I kraft til og med:** 30. juni 2027');
    expect((await cli(tree.root, ['render', 'demo'], '2027-07-01')).stdout).toMatch(/^# Demo 1\.1\n/);
  });

  it('falls back to the latest published version, renders a named version, and renders HTML', async () => {
    const tree = validTree();
    expect((await cli(tree.root, ['render', 'demo'], '2020-01-01')).stdout).toContain('- **Version:** 1.0.0');
    const draft = await cli(tree.root, ['render', 'demo', '1.1.0']);
    expect(draft.stdout).toContain('- **Status:** udkast');
    expect(draft.stdout).toContain('**Betingelse:** Borgerforløb startet inden for 12 måneder skal være mindst 5 borgerforløb.');
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

  it('says when a speciale has no published version', async () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset({ status: 'draft' }) });
    expect((await cli(tree.root, ['render', 'demo'])).stderr).toBe("speciale-rules: 'demo' har ingen udgivet version; angiv versionen (findes: 1.0.0)\n");
  });
});
