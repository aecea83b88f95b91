import path from 'node:path';
import { baseEvidence, baseRuleset, cleanupTrees, edited, makeTree, validTree, type TempTree } from '../rules/helpers';
import { cli, lines } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules test', () => {
  function treeWithCases(): TempTree {
    const tree = validTree();
    tree.write('demo/cases/forkert-forventning.json', {
      name: 'For få forløb, men forventet godkendt',
      level: 'specialfunktion',
      asOf: '2026-09-30',
      evidence: edited(baseEvidence(), (e) => (e.citizenCourses.entries = [])),
      expected: { overall: 'eligible', requirements: { 'DEM-SF-03': 'met' } },
    });
    return tree;
  }

  it('prints ✓/✗ per case with the differing outcomes, the coverage and a summary, and exits 1 on a failure', async () => {
    const run = await cli(treeWithCases().root, ['test']);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      '✗ rules/demo/cases/forkert-forventning.json – For få forløb, men forventet godkendt (1.0.0, specialfunktion, 2026-09-30)',
      '    samlet resultat: forventet eligible, fik not-eligible',
      '    DEM-SF-03: forventet opfyldt, fik ikke opfyldt',
      '✓ rules/demo/cases/specialfunktion-opfyldt.json – Specialfunktion: alle krav opfyldt (1.0.0, specialfunktion, 2026-09-30)',
      '',
      'Dækning – krav, som ingen bestået eksempelsag får til at fejle:',
      '  demo 1.0.0 specialfunktion: 0 af 6 krav dækket; ikke dækket: DEM-SF-01, DEM-SF-02, DEM-SF-03, DEM-SF-04, DEM-SF-05, DEM-SF-06',
      '  demo 1.0.0 rådgivningsfunktion: 0 af 2 krav dækket; ikke dækket: DEM-RF-01, DEM-RF-02',
      '  demo 1.1.0 specialfunktion: 0 af 6 krav dækket; ikke dækket: DEM-SF-01, DEM-SF-02, DEM-SF-03, DEM-SF-04, DEM-SF-05, DEM-SF-06',
      '  demo 1.1.0 rådgivningsfunktion: 0 af 2 krav dækket; ikke dækket: DEM-RF-01, DEM-RF-02',
      '',
      ...Array.from({ length: 16 }, () => expect.stringMatching(/^rules\/demo\/1\.[01]\.0\.json:\/levels\/\w+\/requirements\/\d: ingen bestået eksempelsag får kravet 'DEM-(SF|RF)-0\d' til at fejle/)),
      '',
      '✗ 1 af 2 eksempelsager fejlede',
      '✗ 16 krav uden en eksempelsag, der får kravet til at fejle',
      '',
    ]);
  });

  it('exits 0 when every case passes and each requirement is made to fail by some case (the shipped rules)', async () => {
    const run = await cli(path.resolve(__dirname, '../..'), ['test', 'rules']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toMatch(/^✓ \d+ eksempelsager bestået$/);
  });

  it('fails a version whose requirements no case makes fail, naming each uncovered requirement by pointer', async () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset({ status: 'draft' }) });
    const run = await cli(tree.root, ['test', '--json']);
    expect(run.code).toBe(1);
    const { findings } = JSON.parse(run.stdout) as { findings: { file: string; pointer: string; code: string }[] };
    expect(findings.map((f) => [f.file, f.pointer, f.code])).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((i) => ['rules/demo/1.0.0.json', `/levels/specialfunktion/requirements/${i}`, 'requirement-not-covered']),
      ...[0, 1].map((i) => ['rules/demo/1.0.0.json', `/levels/raadgivningsfunktion/requirements/${i}`, 'requirement-not-covered']),
    ]);
    const text = await cli(tree.root, ['test']);
    expect(text.code).toBe(1);
    expect(lines(text.stdout)).toContain("rules/demo/1.0.0.json:/levels/specialfunktion/requirements/0: ingen bestået eksempelsag får kravet 'DEM-SF-01' til at fejle; tilføj en sag i demo/cases/ med \"version\": \"1.0.0\", hvor kravet ikke er opfyldt");
    expect(lines(text.stdout).at(-1)).toBe('✗ 8 krav uden en eksempelsag, der får kravet til at fejle');
  });

  it.each([
    ['010190-1234', 'with a dash'],
    ['010190 1234', 'with a space'],
    ['01.01.90\u20131234', 'with dots and an en dash'],
    ['\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14', 'in full-width digits'],
    ['0101\u200b901234', 'with a zero-width space'],
  ])('refuses a CPR number %j (%s) in a vocabulary field of a case, naming the pointer, never the value', async (cpr) => {
    const tree = validTree();
    tree.write('demo/cases/cpr.json', {
      name: 'Et CPR-nummer som fagbetegnelse',
      level: 'specialfunktion',
      asOf: '2026-09-30',
      evidence: edited(baseEvidence(), (e) => (e.staff[0].profession = cpr)),
      expected: { overall: 'eligible' },
    });
    for (const args of [['test'], ['test', '--json']]) {
      const run = await cli(tree.root, args);
      expect(run.code).toBe(1);
      const output = run.stdout + run.stderr;
      expect(output).toContain('/evidence/staff/0/profession');
      if (args.includes('--json')) expect(JSON.parse(run.stdout).cases[0].problems).toContainEqual(expect.objectContaining({ pointer: '/evidence/staff/0/profession', code: 'cpr-refused' }));
      expect(output).toContain('CPR');
      expect(output).not.toContain(cpr);
      expect(output.normalize('NFKC').replace(/[^0-9]/g, ' ')).not.toMatch(/1234/);
      expect(output).not.toContain('er ikke en kendt værdi i ordlisten');
    }
  });

  it('writes the report as JSON with --json', async () => {
    const run = await cli(treeWithCases().root, ['test', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ passed: 1, failed: 1 });
    expect(report.cases[0]).toMatchObject({ file: 'rules/demo/cases/forkert-forventning.json', status: 'fail', differences: [{ id: 'DEM-SF-03', expected: 'met', actual: 'not-met' }] });
    expect(report.coverage[0]).toMatchObject({ speciale: 'demo', version: '1.0.0', level: 'specialfunktion' });
  });

  it('warns on stderr when rule files have problems, and runs the cases it can', async () => {
    const tree = validTree();
    tree.write('demo/1.1.0.json', edited(baseRuleset({ version: '1.1.0', status: 'draft' }), (r) => (r.levels.specialfunktion.requirements[0].id = 'DEM-SF-02')));
    const run = await cli(tree.root, ['test']);
    expect(lines(run.stdout)).toContain('✓ 1 eksempelsag bestået');
    expect(run.stderr).toBe('! 1 problem i regelfilerne; regelsæt med fejl er sprunget over (se `speciale-rules validate`)\n');
  });
});
