import { baseRuleset, cleanupTrees, edited, validTree, type TempTree } from '../rules/helpers';
import { cli } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules diff', () => {
  function twoVersions(): TempTree {
    const tree = validTree();
    tree.write('demo/1.1.0.json', edited(baseRuleset({ version: '1.1.0', status: 'draft', effectiveFrom: '2027-07-01' }), (r) => {
      r.levels.specialfunktion.requirements[2].conditions.all[0].value = 5;
      r.levels.specialfunktion.requirements[5].severity = 'required';
      r.levels.specialfunktion.requirements.splice(3, 1);
      r.levels.raadgivningsfunktion.approvalPolicy.validityMonths = 72;
    }));
    return tree;
  }

  it('prints a table of changes with their direction', async () => {
    const run = await cli(twoVersions().root, ['diff', 'demo', '1.0.0', '1.1.0']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'demo 1.0.0 → 1.1.0',
      '',
      'Felt         Før         Efter',
      '-----------  ----------  ----------',
      'i kraft fra  2026-01-01  2027-07-01',
      'status       udgivet     udkast',
      '',
      'Specialfunktion',
      'Krav       Ændring                                    Før                                 Efter                  Retning',
      '---------  -----------------------------------------  ----------------------------------  ---------------------  -------',
      'DEM-SF-04  fjernet                                    Formelt samarbejde med psykiatrien  –                      lempet',
      'DEM-SF-03  Borgerforløb startet inden for 12 måneder  mindst 3 borgerforløb               mindst 5 borgerforløb  skærpet',
      'DEM-SF-06  vægt                                       Anbefaling                          Krav                   skærpet',
      '',
      'Rådgivningsfunktion',
      expect.any(String),
      expect.any(String),
      expect.stringMatching(/^\(godkendelse\) +godkendelsens varighed \(måneder\) +96 +72 +skærpet$/),
      '',
      '3 krav ændret: 2 skærpet, 1 lempet, 0 ændret på anden vis, 0 kun i ordlyd',
      '',
    ]);
  });

  it('prints the diff as JSON with --json', async () => {
    const run = await cli(twoVersions().root, ['diff', 'demo', '1.0.0', '1.1.0', '--json', '--dir', 'rules']);
    const diff = JSON.parse(run.stdout);
    expect(diff.levels[0].changed.map((c: { id: string; direction: string }) => [c.id, c.direction])).toEqual([
      ['DEM-SF-03', 'stricter'],
      ['DEM-SF-06', 'stricter'],
    ]);
    expect(diff.levels[0].removed[0]).toMatchObject({ id: 'DEM-SF-04', direction: 'looser' });
  });

  it('names the versions that exist when one does not, exit 1', async () => {
    expect(await cli(validTree().root, ['diff', 'demo', '1.0.0', '2.0.0'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "speciale-rules: version 2.0.0 af 'demo' findes ikke (findes: 1.0.0, 1.1.0)\n",
    });
    expect((await cli(validTree().root, ['diff', 'autisme', '1.0.0', '1.1.0'])).stderr).toBe(
      "speciale-rules: specialet 'autisme' har ingen gyldige regelsæt i rules (findes: demo); se `speciale-rules validate`\n",
    );
  });
});
