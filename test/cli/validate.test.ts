import path from 'node:path';
import { baseRuleset, cleanupTrees, edited, lockFor, makeTree, validTree } from '../rules/helpers';
import { brokenTree, cli, IMMUTABLE, lines } from './support';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

describe('speciale-rules validate', () => {
  it('prints a summary line and exits 0 for a valid tree (default dir: rules)', async () => {
    const tree = validTree();
    expect(await cli(tree.root, ['validate'])).toEqual({ code: 0, stdout: '✓ 2 regelsæt i 1 speciale er gyldige (16 krav, 1 låst version, 1 eksempelsag)\n', stderr: '' });
  });

  it('prints one `file:/json/pointer: message` line per problem and exits 1', async () => {
    const tree = brokenTree();
    const run = await cli(tree.root, ['validate', 'rules']);
    const F = 'rules/demo/1.1.0.json:/levels/specialfunktion/requirements';
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(lines(run.stdout)).toEqual([
      `rules/andet/1.0.0.json:/speciale: specialet hedder 'demo', men filen ligger i mappen 'andet'; ret "speciale" til "andet" eller flyt filen til mappen demo/`,
      `rules/demo/1.0.0.json: version 1.0.0 af 'demo' ${IMMUTABLE}`,
      `${F}/0/conditions/all/0/fact: ukendt faktum 'fteWithCompetense'; mente du 'fteWithCompetence'? brug et faktum fra faktakataloget (schemas/fact-catalogue.json)`,
      `${F}/1/conditions/all/0/operator: operator 'contains' passer ikke til faktum 'shareFteWithEducationGroup' (number); brug en af: equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive`,
      `${F}/2/conditions/all/0/value: værdien "3" passer ikke til faktum 'citizenCoursesStarted' (integer, borgerforløb); angiv et helt tal uden anførselstegn, fx 3`,
      `${F}/3/conditions/any/0/operator: ukendt operator 'atLeast'; brug en af: equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive`,
      expect.stringMatching(new RegExp(`^${F}/3/conditions/any/1/params/partnerTypes/0: "psykiatrien" er ikke en værdi i ordlisten partnerTypes; brug en af: regionspsykiatri, `)),
      `${F}/5/conditions/all/0/path: 'psychologist' er ikke en nøgle i ordlisten professions for faktum 'fteByProfession'; brug en af: paedagog, paedagogisk-assistent, paedagogmedhjaelper, social-og-sundhedsassistent, socialraadgiver, psykolog, neuropsykolog, ergoterapeut, fysioterapeut, sygeplejerske, speciallaege, synskonsulent, mobilitetsinstruktoer, optometrist, audiologopaed, laerer, leder, andet`,
      `rules/demo/1.2.0.json:/levels/raadgivningsfunktion/requirements/0/id: krav-id'et 'DEM-SF-01' er allerede brugt i /levels/specialfunktion/requirements/0; giv kravet sit eget id (et id må kun bruges én gang pr. version)`,
      `rules/demo/1.3.0.json:/version: versionen er '1.3.1', men filen hedder 1.3.0.json; ret "version" til "1.3.0" eller omdøb filen til 1.3.1.json`,
      "rules/demo/1.4.0.json:/levels/raadgivningsfunktion/includesLevel: niveauet 'basisniveau' findes ikke i regelsættet; brug en af: specialfunktion",
      `rules/demo/1.5.0.json: ugyldig JSON i linje 3, kolonne 21: overflødigt komma før '}'; JSON tillader ikke komma efter sidste egenskab – fjern kommaet`,
      'rules/demo/2.1.0.json:/effectiveFrom: version 2.1.0 og 2.0.0 er begge udgivet med effectiveFrom 2028-01-01; kun én udgivet version kan være i kraft ad gangen – giv 2.1.0 en senere effectiveFrom',
      '✗ 13 problemer i 8 filer',
    ]);
  });

  it('refuses a published version that stays in force after the next one begins, and a policy whose periods contradict each other', async () => {
    const first = baseRuleset({ effectiveTo: '2028-06-30' });
    const second = baseRuleset({ version: '2.0.0', effectiveFrom: '2028-01-01' });
    const draft = edited(baseRuleset({ version: '2.1.0', status: 'draft', effectiveFrom: '2030-01-01' }), (r) => {
      Object.assign(r.levels.specialfunktion.approvalPolicy, { validityMonths: 12, renewalWindowMonths: 12, recheckIntervalMonths: 24 });
    });
    const tree = makeTree({ 'demo/1.0.0.json': first, 'demo/2.0.0.json': second, 'demo/2.1.0.json': draft, 'rules.lock.json': lockFor(first, second) });
    const run = await cli(tree.root, ['validate']);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      'rules/demo/1.0.0.json:/effectiveTo: effectiveTo (2028-06-30) ligger på eller efter, at version 2.0.0 træder i kraft (2028-01-01); kun én udgivet version kan være i kraft ad gangen – sæt effectiveTo til senest dagen før, eller fjern den',
      expect.stringMatching(/^rules\/demo\/2\.1\.0\.json:\/levels\/specialfunktion\/approvalPolicy\/renewalWindowMonths: fornyelsesvinduet \(12 måneder\) skal være kortere end gyldigheden \(12 måneder\)/),
      expect.stringMatching(/^rules\/demo\/2\.1\.0\.json:\/levels\/specialfunktion\/approvalPolicy\/recheckIntervalMonths: genvurderingsintervallet \(24 måneder\) er længere end gyldigheden/),
      '✗ 3 problemer i 2 filer',
    ]);
  });

  it('prints the problems as JSON with --json, each with file, pointer, a kebab-case code and a message', async () => {
    const tree = brokenTree();
    const run = await cli(tree.root, ['validate', '--json']);
    expect(run.code).toBe(1);
    const problems = JSON.parse(run.stdout) as { file: string; pointer: string; code: string; message: string }[];
    expect(problems.map((p) => [p.file, p.pointer, p.code])).toEqual([
      ['rules/andet/1.0.0.json', '/speciale', 'speciale-not-folder'],
      ['rules/demo/1.0.0.json', '', 'published-version-changed'],
      ['rules/demo/1.1.0.json', '/levels/specialfunktion/requirements/0/conditions/all/0/fact', 'unknown-fact'],
      ['rules/demo/1.1.0.json', '/levels/specialfunktion/requirements/1/conditions/all/0/operator', 'operator-not-for-fact'],
      ['rules/demo/1.1.0.json', '/levels/specialfunktion/requirements/2/conditions/all/0/value', 'value-wrong-type'],
      ['rules/demo/1.1.0.json', '/levels/specialfunktion/requirements/3/conditions/any/0/operator', 'unknown-operator'],
      ['rules/demo/1.1.0.json', '/levels/specialfunktion/requirements/3/conditions/any/1/params/partnerTypes/0', 'param-not-in-vocabulary'],
      ['rules/demo/1.1.0.json', '/levels/specialfunktion/requirements/5/conditions/all/0/path', 'unknown-path-key'],
      ['rules/demo/1.2.0.json', '/levels/raadgivningsfunktion/requirements/0/id', 'duplicate-requirement-id'],
      ['rules/demo/1.3.0.json', '/version', 'version-not-file-name'],
      ['rules/demo/1.4.0.json', '/levels/raadgivningsfunktion/includesLevel', 'invalid-includes-level'],
      ['rules/demo/1.5.0.json', '', 'invalid-json'],
      ['rules/demo/2.1.0.json', '/effectiveFrom', 'published-same-day'],
    ]);
    for (const p of problems) expect(Object.keys(p).sort()).toEqual(['code', 'file', 'message', 'pointer']);
    expect(JSON.parse((await cli(validTree().root, ['validate', '--json'])).stdout)).toEqual([]);
  });

  it('reports four mistakes of different kinds in one file in one run: schema, catalogue, ids and dates', async () => {
    const draft = edited(baseRuleset({ version: '1.1.0', status: 'draft', effectiveFrom: '2027-01-01', effectiveTo: '2026-12-31' }), (r) => {
      delete r.illustrative; // schema: a required field
      r.levels.specialfunktion.requirements[0].conditions.all[0].fact = 'staffFteTotl'; // catalogue: unknown fact
      r.levels.specialfunktion.requirements[1].id = 'DEM-SF-01'; // a duplicate id
    });
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset(), 'demo/1.1.0.json': draft, 'rules.lock.json': lockFor(baseRuleset()) });
    const run = await cli(tree.root, ['validate', '--json']);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { pointer: string; code: string }[]).map((p) => [p.pointer, p.code])).toEqual([
      ['/illustrative', 'required-property-missing'],
      ['/levels/specialfunktion/requirements/0/conditions/all/0/fact', 'unknown-fact'],
      ['/levels/specialfunktion/requirements/1/id', 'duplicate-requirement-id'],
      ['/effectiveTo', 'effective-dates-reversed'],
    ]);
  });

  it('refuses conditions that can never hold: contradictory bounds in one all, and a share above 100 or a count below 0', async () => {
    const draft = edited(baseRuleset({ status: 'draft' }), (r) => {
      r.levels.specialfunktion.requirements[0].conditions = {
        all: [
          { fact: 'staffCount', operator: 'greaterThanInclusive', value: 10 },
          { fact: 'staffCount', operator: 'lessThan', value: 5 },
        ],
      };
      r.levels.specialfunktion.requirements[1].conditions.all[0].value = 120; // shareFteWithEducationGroup ≥ 120 procent
      r.levels.raadgivningsfunktion.requirements[0].conditions = { any: [{ fact: 'staffCount', operator: 'lessThan', value: 0 }, { fact: 'staffCount', operator: 'greaterThan', value: 3 }] };
    });
    const tree = makeTree({ 'demo/1.0.0.json': draft });
    const run = await cli(tree.root, ['validate', '--json']);
    expect(run.code).toBe(1);
    const found = JSON.parse(run.stdout) as { pointer: string; code: string; message: string }[];
    expect(found.map((p) => [p.pointer, p.code])).toEqual([
      ['/levels/specialfunktion/requirements/0/conditions/all/1/value', 'condition-never-holds'],
      ['/levels/specialfunktion/requirements/1/conditions/all/0/value', 'condition-never-holds'],
      ['/levels/raadgivningsfunktion/requirements/0/conditions/any/0/value', 'condition-never-holds'],
    ]);
    expect(found[0].message).toContain('/levels/specialfunktion/requirements/0/conditions/all/0');
  });

  it('finds no never-holding condition in the shipped rules', async () => {
    expect((await cli(path.resolve(__dirname, '../..'), ['validate', 'rules'])).code).toBe(0);
  });

  it('refuses a number beyond double range (1e400) with its pointer, not reading it as Infinity', async () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset({ status: 'draft' }) });
    tree.write('demo/1.0.0.json', tree.read('demo/1.0.0.json').replace('"value": 3', '"value": 1e400'));
    const run = await cli(tree.root, ['validate', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual([
      { file: 'rules/demo/1.0.0.json', pointer: expect.stringMatching(/^\/levels\/specialfunktion\/requirements\/\d\/conditions\/all\/0\/value$/), code: 'number-out-of-range', message: expect.stringContaining('1e400') },
    ]);
  });

  it('names files relative to the working directory', async () => {
    const tree = brokenTree();
    const run = await cli(path.join(tree.root, 'rules', 'demo'), ['validate', '..']);
    expect(lines(run.stdout)[1]).toBe(`1.0.0.json: version 1.0.0 af 'demo' ${IMMUTABLE}`);
  });

  it('says that a file given for the rules folder is a file, not that it does not exist', async () => {
    const tree = validTree();
    const run = await cli(tree.root, ['validate', 'rules/demo/1.0.0.json']);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)[0]).toBe('rules/demo/1.0.0.json: er en fil, ikke en mappe; angiv stien til rules-mappen (den, der indeholder en mappe pr. speciale)');
  });

  it('reports a missing directory on one line and exits 1', async () => {
    const tree = makeTree();
    expect(await cli(tree.root, ['validate', 'regler'])).toEqual({
      code: 1,
      stdout: 'regler: mappen med regelsæt findes ikke; angiv stien til rules-mappen\n✗ 1 problem i 1 fil\n',
      stderr: '',
    });
  });
});
