import path from 'node:path';
import { runCases } from '../../src/evaluation/cases';
import { RulesCatalogue } from '../../src/rules/catalogue';
import { checkRulesTree } from '../../src/rules/validate';
import { baseEvidence, cleanupTrees, edited, validTree, type TempTree } from './helpers';

afterEach(cleanupTrees);

function catalogueOf(tree: TempTree): RulesCatalogue {
  return new RulesCatalogue(checkRulesTree(tree.dir).rulesets.map((r) => r.ruleset));
}

function example(overrides: Record<string, unknown> = {}) {
  return { name: 'sag', level: 'specialfunktion', asOf: '2026-09-30', evidence: baseEvidence(), expected: { overall: 'eligible' }, ...overrides };
}

const withoutCourses = () => edited(baseEvidence(), (e) => (e.citizenCourses.entries = e.citizenCourses.entries.slice(0, 1)));

describe('runCases', () => {
  it('passes a case whose outcome matches, using the published version in force on asOf', async () => {
    const tree = validTree();
    const report = await runCases(tree.dir, catalogueOf(tree));
    expect(report).toMatchObject({ passed: 1, failed: 0 });
    expect(report.cases).toEqual([
      {
        file: path.join(tree.dir, 'demo', 'cases', 'specialfunktion-opfyldt.json'),
        name: 'Specialfunktion: alle krav opfyldt',
        speciale: 'demo',
        level: 'specialfunktion',
        asOf: '2026-09-30',
        version: '1.0.0',
        status: 'pass',
        expectedOverall: 'eligible',
        actualOverall: 'eligible',
        differences: [],
        problems: [],
        notMet: [],
      },
    ]);
  });

  it('fails a case with a different overall result or requirement outcome, listing the differences', async () => {
    const tree = validTree();
    tree.write('demo/cases/for-faa-forloeb.json', example({
      name: 'For få forløb',
      evidence: withoutCourses(),
      expected: { overall: 'eligible', requirements: { 'DEM-SF-03': 'met', 'DEM-SF-01': 'met', 'DEM-SF-99': 'met' } },
    }));
    const report = await runCases(tree.dir, catalogueOf(tree));
    const failed = report.cases.find((c) => c.name === 'For få forløb');
    expect(failed).toMatchObject({
      status: 'fail',
      expectedOverall: 'eligible',
      actualOverall: 'not-eligible',
      differences: [
        { id: 'DEM-SF-03', expected: 'met', actual: 'not-met' },
        { id: 'DEM-SF-99', expected: 'met', actual: 'absent' },
      ],
    });
    expect(report).toMatchObject({ passed: 1, failed: 1 });
  });

  it('evaluates the version a case names, also a draft', async () => {
    const tree = validTree();
    // 1.1.0 (draft) asks for 5 courses; the evidence has 3.
    tree.write('demo/cases/udkast.json', example({ version: '1.1.0', expected: { overall: 'not-eligible', requirements: { 'DEM-SF-03': 'not-met' } } }));
    const report = await runCases(tree.dir, catalogueOf(tree));
    expect(report.cases.find((c) => c.file.endsWith('udkast.json'))).toMatchObject({ status: 'pass', version: '1.1.0' });
  });

  it('reports cases that cannot run as errors: bad JSON, bad schema, invalid evidence, no version in force, unknown version, asOf before the reporting date, evidence dated after it', async () => {
    const tree = validTree();
    tree.write('demo/cases/a-ikke-json.json', '{ "name": "x", }');
    tree.write('demo/cases/b-skema.json', { name: 'uden forventning' });
    tree.write('demo/cases/c-evidens.json', example({ evidence: edited(baseEvidence(), (e) => (e.provider.cvr = '12345678')) }));
    tree.write('demo/cases/d-for-tidligt.json', example({ asOf: '2025-06-01' }));
    tree.write('demo/cases/e-ukendt-version.json', example({ version: '3.0.0' }));
    tree.write('demo/cases/f-foer-indberetning.json', example({ asOf: '2026-09-29', evidence: edited(baseEvidence(), (e) => (e.reportingDate = '2026-09-30')) }));
    tree.write('demo/cases/g-efter-indberetning.json', example({ evidence: edited(baseEvidence(), (e) => (e.reportingDate = '2026-01-01')) }));
    const report = await runCases(tree.dir, catalogueOf(tree));
    const errors = report.cases.filter((c) => c.status === 'error').map((c) => [path.basename(c.file), c.problems.map((p) => `${p.pointer}: ${p.message}`)]);
    expect(errors).toEqual([
      ['a-ikke-json.json', [": ugyldig JSON i linje 1, kolonne 14: overflødigt komma før '}'; JSON tillader ikke komma efter sidste egenskab – fjern kommaet"]],
      ['b-skema.json', ['/level: påkrævet felt mangler', '/asOf: påkrævet felt mangler', '/evidence: påkrævet felt mangler', '/expected: påkrævet felt mangler']],
      ['c-evidens.json', ['/evidence/provider/cvr: CVR-nummeret er ugyldigt (8 cifre med modulus 11-kontrolciffer)']],
      ['d-for-tidligt.json', ["/asOf: ingen udgivet version af 'demo' er i kraft 2025-06-01; angiv \"version\" i sagen eller ret \"asOf\""]],
      ['e-ukendt-version.json', ["/version: version 3.0.0 af 'demo' findes ikke eller har fejl (findes: 1.0.0, 1.1.0); ret \"version\" eller kør `speciale-rules validate`"]],
      ['f-foer-indberetning.json', ['/asOf: vurderingsdatoen ligger før dokumentationens indberetningsdato 2026-09-30']],
      ['g-efter-indberetning.json', expect.arrayContaining([expect.stringMatching(/^\/evidence\/.*: .* ligger efter indberetningsdatoen 2026-01-01$/)])],
    ]);
    expect(report).toMatchObject({ passed: 1, failed: 7 });
  });

  it('shows per version and level which requirements no passing case makes fail', async () => {
    const tree = validTree();
    tree.write('demo/cases/for-faa-forloeb.json', example({ evidence: withoutCourses(), expected: { overall: 'not-eligible' } }));
    tree.write('demo/cases/rf-uden-udgaaende.json', example({
      level: 'raadgivningsfunktion',
      evidence: edited(withoutCourses(), (e) => (e.advisory.outreach = false)),
      expected: { overall: 'not-eligible', requirements: { 'DEM-RF-01': 'not-met' } },
    }));
    const report = await runCases(tree.dir, catalogueOf(tree));
    expect(report.failed).toBe(0);
    const v1 = report.coverage.filter((e) => e.version === '1.0.0');
    expect(v1.map((e) => [e.level, e.uncovered])).toEqual([
      ['specialfunktion', ['DEM-SF-01', 'DEM-SF-02', 'DEM-SF-04', 'DEM-SF-05', 'DEM-SF-06']],
      ['raadgivningsfunktion', ['DEM-RF-02']],
    ]);
    // DEM-SF-03 is made to fail by both cases: a rådgivningsfunktion case covers the specialfunktion requirement it includes.
    expect(v1[0].failedBy['DEM-SF-03'].map((f) => path.basename(f))).toEqual(['for-faa-forloeb.json', 'rf-uden-udgaaende.json']);
    expect(report.coverage.find((e) => e.version === '1.1.0' && e.level === 'specialfunktion')?.uncovered).toHaveLength(6);
  });
});
