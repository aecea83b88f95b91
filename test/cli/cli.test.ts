import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';
import * as validate from '../../src/rules/validate';
import { rulesetHash } from '../../src/rules/hash';
import { baseEvidence, baseRuleset, cleanupTrees, edited, lockFor, makeTree, validTree, type TempTree } from '../rules/helpers';

afterEach(() => {
  cleanupTrees();
  jest.restoreAllMocks();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with `cwd` as working directory. */
async function cli(cwd: string, args: string[], today?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'speciale-rules', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    ...(today ? { today } : {}),
  });
  return { code, stdout, stderr };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

const IMMUTABLE = "er publiceret og må ikke ændres; udgiv en ny version i stedet (published versions are immutable: publish a new version instead)";

/** A tree with one deliberate mistake of each kind. */
function brokenTree(): TempTree {
  const published = baseRuleset();
  const draft = (version: string, edit: (r: any) => void = () => {}) => edited(baseRuleset({ version, status: 'draft', effectiveFrom: '2030-01-01' }), edit);
  const twin = baseRuleset({ version: '2.0.0', effectiveFrom: '2028-01-01' });
  const sameDay = baseRuleset({ version: '2.1.0', effectiveFrom: '2028-01-01' });
  const tree = makeTree({
    'demo/1.0.0.json': published,
    'demo/1.1.0.json': draft('1.1.0', (r) => {
      const sf = r.levels.specialfunktion.requirements;
      sf[0].conditions.all[0].fact = 'fteWithCompetense'; // unknown fact
      sf[1].conditions.all[0].operator = 'contains'; // wrong operator for a number fact
      sf[2].conditions.all[0].value = '3'; // wrong value type
      sf[3].conditions.any[0].operator = 'atLeast'; // unknown operator
      sf[3].conditions.any[1].params = { partnerTypes: ['psykiatrien'] }; // bad params
      sf[5].conditions.all[0].path = '$.psychologist'; // bad path
    }),
    'demo/1.2.0.json': draft('1.2.0', (r) => (r.levels.raadgivningsfunktion.requirements[0].id = 'DEM-SF-01')), // duplicate id
    'demo/1.3.0.json': draft('1.3.1'), // file/version mismatch
    'demo/1.4.0.json': draft('1.4.0', (r) => (r.levels.raadgivningsfunktion.includesLevel = 'basisniveau')), // unresolvable includesLevel
    'demo/1.5.0.json': '{\n  "speciale": "demo",\n  "version": "1.5.0",\n}\n', // malformed JSON
    'demo/2.0.0.json': twin,
    'demo/2.1.0.json': sameDay, // published on the same day as 2.0.0
    'andet/1.0.0.json': draft('1.0.0'), // folder mismatch
    'rules.lock.json': lockFor(published, twin, sameDay),
  });
  // A one-character edit of the published, locked 1.0.0.
  tree.write('demo/1.0.0.json', tree.read('demo/1.0.0.json').replace('"value": 60', '"value": 50'));
  return tree;
}

describe('speciale-rules as a command in a pipe', () => {
  it('ends quietly when the reader stops early (| head), without a stack trace', async () => {
    const tree = makeTree({
      'demo/1.0.0.json': edited(baseRuleset({ status: 'draft' }), (r) => {
        const template = r.levels.specialfunktion.requirements[0];
        r.levels.specialfunktion.requirements = Array.from({ length: 3000 }, (_, i) => ({ ...template, id: `DEM-SF-${i + 100}`, conditions: { all: [{ ...template.conditions.all[0], fact: `ukendt${i}` }] } }));
      }),
    });
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/speciale-rules.js'), 'validate', '--json'], { cwd: tree.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
  });
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
      'rules/demo/1.4.0.json:/levels/raadgivningsfunktion/includesLevel: skal være "specialfunktion"',
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

  it('prints the problems as JSON with --json', async () => {
    const tree = brokenTree();
    const run = await cli(tree.root, ['validate', '--json']);
    expect(run.code).toBe(1);
    const problems = JSON.parse(run.stdout) as { file: string; pointer: string; message: string }[];
    expect(problems).toHaveLength(13);
    expect(problems[1]).toEqual({ file: 'rules/demo/1.0.0.json', pointer: '', message: `version 1.0.0 af 'demo' ${IMMUTABLE}` });
    expect(Object.keys(problems[0]).sort()).toEqual(['file', 'message', 'pointer']);
    expect(JSON.parse((await cli(validTree().root, ['validate', '--json'])).stdout)).toEqual([]);
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
      '✗ 1 af 2 eksempelsager fejlede',
      '',
    ]);
  });

  it('exits 0 when every case passes', async () => {
    const run = await cli(validTree().root, ['test', 'rules']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toBe('✓ 1 eksempelsag bestået');
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
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('! 1 problem i regelfilerne; regelsæt med fejl er sprunget over (se `speciale-rules validate`)\n');
  });
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
      expect.stringMatching(/^\(godkendelse\) +godkendelsens varighed \(måneder\) +96 +72 +–$/),
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

describe('speciale-rules lock', () => {
  it('locks new published versions, then reports that all are locked', async () => {
    const tree = makeTree({ 'demo/1.0.0.json': baseRuleset(), 'demo/1.1.0.json': baseRuleset({ version: '1.1.0', effectiveFrom: '2027-01-01' }) });
    expect(await cli(tree.root, ['lock'])).toEqual({
      code: 0,
      stdout: '✓ låste 2 nye versioner: demo/1.0.0, demo/1.1.0 (2 versioner i rules/rules.lock.json)\n',
      stderr: '',
    });
    expect(JSON.parse(tree.read('rules.lock.json'))).toEqual({ 'demo/1.0.0': rulesetHash(baseRuleset()), 'demo/1.1.0': expect.stringMatching(/^sha256:/) });
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

describe('usage and unexpected errors', () => {
  it('exits 2 with commander’s message on wrong usage', async () => {
    const root = makeTree().root;
    const unknown = await cli(root, ['valider']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'valider'/);
    expect((await cli(root, ['diff', 'demo', '1.0.0'])).code).toBe(2);
    const format = await cli(root, ['render', 'demo', '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Allowed choices are md, html/);
    expect((await cli(root, ['validate', '--strict'])).code).toBe(2);
    expect((await cli(root, [])).code).toBe(2);
  });

  it('prints help and exits 0', async () => {
    const help = await cli(makeTree().root, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: speciale-rules/);
    for (const command of ['validate', 'test', 'diff', 'render', 'lock']) expect(help.stdout).toContain(command);
  });

  it('turns an unexpected exception into one line on stderr, exit 1, no stack trace', async () => {
    jest.spyOn(validate, 'checkRulesTree').mockImplementation(() => {
      throw new Error('disk on fire\n    at somewhere (file.js:1:1)');
    });
    expect(await cli(makeTree().root, ['validate'])).toEqual({ code: 1, stdout: '', stderr: 'speciale-rules: uventet fejl: disk on fire at somewhere (file.js:1:1)\n' });
  });
});

describe('bin/speciale-rules.js', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'speciale-rules.js');

  it('asks for a build when dist/ is missing', () => {
    const root = makeTree().root;
    mkdirSync(path.join(root, 'bin'));
    copyFileSync(bin, path.join(root, 'bin', 'speciale-rules.js'));
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'speciale-rules.js'), 'validate'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('speciale-rules: run `npm run build` first (dist/src/cli/main.js is missing)\n');
  });

  it('passes argv to main() and exits with its code', () => {
    const root = makeTree().root;
    mkdirSync(path.join(root, 'bin'));
    mkdirSync(path.join(root, 'dist', 'src', 'cli'), { recursive: true });
    copyFileSync(bin, path.join(root, 'bin', 'speciale-rules.js'));
    writeFileSync(path.join(root, 'dist', 'src', 'cli', 'main.js'), 'exports.main = async (argv) => { process.stdout.write(JSON.stringify(argv.slice(2))); return 3; };\n');
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'speciale-rules.js'), 'diff', 'demo', '1.0.0', '1.1.0'], { encoding: 'utf8' });
    expect(run.stdout).toBe('["diff","demo","1.0.0","1.1.0"]');
    expect(run.status).toBe(3);
  });

  it('is an executable node script', () => {
    expect(execFileSync('head', ['-n', '1', bin], { encoding: 'utf8' })).toBe('#!/usr/bin/env node\n');
  });
});
