import path from 'node:path';
import type { FileProblem } from '../../src/rules/load';
import { checkRulesetContent, checkRulesTree } from '../../src/rules/validate';
import { baseEvidence, baseRuleset, cleanupTrees, edited, lockFor, makeTree, validTree, type TempTree } from './helpers';

afterEach(cleanupTrees);

/** Problems as `file:pointer: message` with the file relative to the tree's rules/ dir. */
function lines(tree: TempTree, problems: FileProblem[]): string[] {
  return problems.map((p) => `${path.relative(tree.dir, p.file)}:${p.pointer}: ${p.message}`);
}

function check(tree: TempTree) {
  return lines(tree, checkRulesTree(tree.dir).problems);
}

const v1 = () => baseRuleset();
const IMMUTABLE = "version 1.0.0 af 'demo' er publiceret og må ikke ændres; udgiv en ny version i stedet (published versions are immutable: publish a new version instead)";

describe('checkRulesTree', () => {
  it('accepts a valid tree and returns its rule sets, lock and case count', () => {
    const tree = validTree();
    const result = checkRulesTree(tree.dir);
    expect(result.problems).toEqual([]);
    expect(result.rulesets.map((r) => [path.relative(tree.dir, r.file), r.ruleset.version])).toEqual([
      ['demo/1.0.0.json', '1.0.0'],
      ['demo/1.1.0.json', '1.1.0'],
    ]);
    expect(result.lock).toMatchObject({ exists: true, entries: lockFor(v1()) });
    expect(result.caseFiles).toBe(1);
  });

  it('reports a missing rules directory instead of throwing', () => {
    const missing = path.join(makeTree().root, 'nope');
    expect(checkRulesTree(missing).problems).toEqual([{ file: missing, pointer: '', code: 'rules-dir-missing', message: 'mappen med regelsæt findes ikke; angiv stien til rules-mappen' }]);
  });

  it('reports malformed JSON with line and column, and skips the file', () => {
    const tree = makeTree({ 'demo/1.0.0.json': '{\n  "speciale": "demo"\n  "version": "1.0.0"\n}\n' });
    const result = checkRulesTree(tree.dir);
    expect(lines(tree, result.problems)).toEqual([
      `demo/1.0.0.json:: ugyldig JSON i linje 3, kolonne 3: forventede ',' eller '}' efter værdien af "speciale"; mangler der et komma?`,
    ]);
    expect(result.problems[0]).toMatchObject({ line: 3, column: 3 });
    expect(result.rulesets).toEqual([]);
  });

  it('reports the schema’s problems and the fact catalogue’s in one pass, the more specific message where both name the same place', () => {
    const tree = makeTree({
      'demo/1.0.0.json': edited(v1(), (r) => {
        delete r.illustrative;
        r.levels.raadgivningsfunktion.includesLevel = 'raadgivning';
        r.levels.specialfunktion.requirements[0].conditions.all[0].fact = 'ukendt';
      }),
      'rules.lock.json': lockFor(v1()),
    });
    expect(check(tree)).toEqual([
      'demo/1.0.0.json:/illustrative: påkrævet felt mangler',
      "demo/1.0.0.json:/levels/specialfunktion/requirements/0/conditions/all/0/fact: ukendt faktum 'ukendt'; brug et faktum fra faktakataloget (schemas/fact-catalogue.json)",
      "demo/1.0.0.json:/levels/raadgivningsfunktion/includesLevel: niveauet 'raadgivning' findes ikke i regelsættet; brug en af: specialfunktion",
    ]);
  });

  it('reports duplicate requirement ids across both levels', () => {
    const tree = makeTree({
      'demo/1.0.0.json': edited(v1(), (r) => {
        r.status = 'draft';
        r.levels.specialfunktion.requirements[3].id = 'DEM-SF-01';
        r.levels.raadgivningsfunktion.requirements[1].id = 'DEM-SF-02';
      }),
    });
    expect(check(tree)).toEqual([
      "demo/1.0.0.json:/levels/specialfunktion/requirements/3/id: krav-id'et 'DEM-SF-01' er allerede brugt i /levels/specialfunktion/requirements/0; giv kravet sit eget id (et id må kun bruges én gang pr. version)",
      "demo/1.0.0.json:/levels/raadgivningsfunktion/requirements/1/id: krav-id'et 'DEM-SF-02' er allerede brugt i /levels/specialfunktion/requirements/1; giv kravet sit eget id (et id må kun bruges én gang pr. version)",
    ]);
  });

  it('requires the speciale to match the folder and the version to match the file name', () => {
    const tree = makeTree({
      'autisme/1.0.0.json': { ...v1(), status: 'draft' },
      'demo/1.0.1.json': { ...v1(), status: 'draft' },
    });
    expect(check(tree)).toEqual([
      `autisme/1.0.0.json:/speciale: specialet hedder 'demo', men filen ligger i mappen 'autisme'; ret "speciale" til "autisme" eller flyt filen til mappen demo/`,
      'demo/1.0.1.json:/version: versionen er \'1.0.0\', men filen hedder 1.0.1.json; ret "version" til "1.0.1" eller omdøb filen til 1.0.0.json',
    ]);
    expect(checkRulesTree(tree.dir).rulesets).toEqual([]);
  });

  it('reports misplaced JSON files and files not named after a version', () => {
    const tree = makeTree({ 'demo-1.0.0.json': v1(), 'demo/udkast.json': v1(), 'demo/README.md': '# noter' });
    expect(check(tree)).toEqual([
      `demo/udkast.json:: filnavnet skal være regelsættets version, fx 1.0.0.json (eksempelsager hører til i demo/cases/)`,
      `demo-1.0.0.json:: regelfiler skal ligge i en mappe pr. speciale; flyt filen til ${path.join(tree.dir, '<speciale>', 'demo-1.0.0.json')}`,
    ]);
  });

  it('reports a level that includes itself', () => {
    const tree = makeTree({
      'demo/1.0.0.json': edited(v1(), (r) => {
        r.status = 'draft';
        r.levels.specialfunktion.includesLevel = 'specialfunktion';
      }),
    });
    expect(check(tree)).toEqual([
      `demo/1.0.0.json:/levels/specialfunktion/includesLevel: niveauet 'specialfunktion' kan ikke inkludere sig selv; fjern "includesLevel"`,
      `demo/1.0.0.json:/levels/raadgivningsfunktion/includesLevel: niveauet 'specialfunktion' inkluderer selv et andet niveau; et niveau kan kun inkludere et niveau uden "includesLevel"`,
    ]);
  });

  it('reports an effectiveTo before effectiveFrom', () => {
    const tree = makeTree({ 'demo/1.0.0.json': { ...v1(), status: 'draft', effectiveTo: '2025-12-31' } });
    expect(check(tree)).toEqual([
      'demo/1.0.0.json:/effectiveTo: effectiveTo (2025-12-31) ligger før effectiveFrom (2026-01-01); ret datoerne, så den sidste gyldighedsdag ligger på eller efter den første',
    ]);
  });

  describe('at most one published version in force on any date', () => {
    it('reports two published versions with the same effectiveFrom', () => {
      const a = v1();
      const b = baseRuleset({ version: '1.1.0' });
      const tree = makeTree({ 'demo/1.0.0.json': a, 'demo/1.1.0.json': b, 'rules.lock.json': lockFor(a, b) });
      expect(check(tree)).toEqual([
        'demo/1.1.0.json:/effectiveFrom: version 1.1.0 og 1.0.0 er begge udgivet med effectiveFrom 2026-01-01; kun én udgivet version kan være i kraft ad gangen – giv 1.1.0 en senere effectiveFrom',
      ]);
    });

    it('reports a higher version that comes into force before a lower one', () => {
      const a = baseRuleset({ effectiveFrom: '2027-01-01' });
      const b = baseRuleset({ version: '2.0.0', effectiveFrom: '2026-06-01' });
      const tree = makeTree({ 'demo/1.0.0.json': a, 'demo/2.0.0.json': b, 'rules.lock.json': lockFor(a, b) });
      expect(check(tree)).toEqual([
        'demo/2.0.0.json:/effectiveFrom: version 2.0.0 træder i kraft 2026-06-01, før den lavere version 1.0.0 (2027-01-01); en højere version skal træde i kraft senere – ret effectiveFrom eller versionsnummeret',
      ]);
    });

    it('ignores drafts and retired versions', () => {
      const a = v1();
      const b = baseRuleset({ version: '1.1.0', status: 'retired' });
      const c = baseRuleset({ version: '1.2.0', status: 'draft', effectiveFrom: '2025-01-01' });
      const tree = makeTree({ 'demo/1.0.0.json': a, 'demo/1.1.0.json': b, 'demo/1.2.0.json': c, 'rules.lock.json': lockFor(a, b) });
      expect(check(tree)).toEqual([]);
    });
  });

  describe('published versions are immutable', () => {
    it('fails a one-character edit of a published, locked file', () => {
      const tree = validTree();
      const text = tree.read('demo/1.0.0.json');
      const changed = text.replace('"value": 3', '"value": 2');
      expect(changed).not.toBe(text);
      tree.write('demo/1.0.0.json', changed);
      expect(check(tree)).toEqual([`demo/1.0.0.json:: ${IMMUTABLE}`]);
    });

    it('does not mind formatting, key order, $schema or a move to retired', () => {
      const tree = validTree();
      const { $schema: _s, ...rest } = v1();
      tree.write('demo/1.0.0.json', JSON.stringify({ ...rest, status: 'retired' }));
      expect(check(tree)).toEqual([]);
    });

    it('asks for `speciale-rules lock` when a published version is not in the lock', () => {
      const tree = makeTree({ 'demo/1.0.0.json': v1() });
      expect(check(tree)).toEqual([
        "demo/1.0.0.json:/status: version 1.0.0 af 'demo' er udgivet, men dens hash står ikke i rules.lock.json; kør `speciale-rules lock` (run `speciale-rules lock`)",
      ]);
      expect(checkRulesTree(tree.dir).problems[0].code).toBe('lock-missing');
    });

    it('reports a lock entry whose file is gone', () => {
      const tree = makeTree({ 'demo/1.0.0.json': v1(), 'rules.lock.json': { ...lockFor(v1()), 'demo/0.9.0': lockFor(v1())['demo/1.0.0'] } });
      expect(check(tree)).toEqual([
        `rules.lock.json:/demo~10.9.0: den låste version demo/0.9.0 findes ikke længere (${path.join('demo', '0.9.0.json')} mangler); en udgivet version må ikke slettes – gendan filen, eller sæt dens status til "retired"`,
      ]);
    });

    it('does not let a locked version go back to draft', () => {
      const tree = validTree();
      tree.write('demo/1.0.0.json', { ...v1(), status: 'draft' });
      expect(check(tree)).toEqual([
        `demo/1.0.0.json:/status: version 1.0.0 af 'demo' er udgivet (står i rules.lock.json) og kan ikke blive et udkast igen; sæt "status" tilbage til "published" eller "retired", og lav ændringer i en ny version`,
      ]);
    });

    it('reports a malformed lock file and entries that are not hashes', () => {
      const tree = makeTree({ 'demo/1.0.0.json': v1(), 'rules.lock.json': { 'demo/1.0.0': 'abc', demo: 'sha256:00' } });
      expect(check(tree)).toEqual([
        "demo/1.0.0.json:/status: version 1.0.0 af 'demo' er udgivet, men dens hash står ikke i rules.lock.json; kør `speciale-rules lock` (run `speciale-rules lock`)",
        'rules.lock.json:/demo~11.0.0: værdien skal være en indholds-hash "sha256:<64 hex-tegn>"; skriv den ikke i hånden – fjern linjen og kør `speciale-rules lock`',
        `rules.lock.json:/demo: 'demo' er ikke en nøgle af formen "<speciale>/<version>", fx "autisme/1.0.0"; ret eller fjern linjen`,
      ]);
    });

    it('uses another lock file when told to', () => {
      const tree = makeTree({ 'demo/1.0.0.json': v1() });
      const lockFile = tree.write('../other.lock.json', lockFor(v1()));
      expect(checkRulesTree(tree.dir, { lockFile }).problems).toEqual([]);
    });
  });

  it('reports every case file that fails case.schema.json, and malformed case files', () => {
    const tree = validTree();
    tree.write('demo/cases/uden-forventning.json', { name: 'x', level: 'specialfunktion', asOf: '2026-09-30', evidence: baseEvidence() });
    tree.write('demo/cases/forkert-niveau.json', { name: 'x', level: 'specialfunction', asOf: '30-09-2026', evidence: baseEvidence(), expected: { overall: 'eligible' } });
    tree.write('demo/cases/ødelagt.json', '{ "name": }');
    expect(check(tree)).toEqual([
      'demo/cases/forkert-niveau.json:/level: skal være en af: specialfunktion, raadgivningsfunktion',
      'demo/cases/forkert-niveau.json:/asOf: skal være en gyldig dato (ÅÅÅÅ-MM-DD)',
      'demo/cases/uden-forventning.json:/expected: påkrævet felt mangler',
      "demo/cases/ødelagt.json:: ugyldig JSON i linje 1, kolonne 11: uventet '}'; her mangler en værdi (står der et komma for meget før?)",
    ]);
    expect(checkRulesTree(tree.dir).caseFiles).toBe(4);
  });

  it('reports duplicate keys in a rule file', () => {
    const tree = validTree();
    tree.write('demo/1.1.0.json', tree.read('demo/1.1.0.json').replace('"status": "draft",', '"status": "draft",\n  "status": "draft",'));
    expect(check(tree)).toEqual(["demo/1.1.0.json:/status: feltet 'status' står to gange i samme objekt (linje 6); kun det sidste gælder – fjern det ene"]);
  });

  it('orders problems by file, versions numerically, and keeps the check order within a file', () => {
    const bad = (version: string) => edited(baseRuleset({ version, status: 'draft' }), (r) => {
      r.levels.specialfunktion.requirements[0].conditions.all[0].operator = 'contains';
      r.levels.specialfunktion.requirements[1].id = 'DEM-SF-01';
    });
    const tree = makeTree({ 'demo/1.10.0.json': bad('1.10.0'), 'demo/1.9.0.json': bad('1.9.0') });
    expect(check(tree).map((l) => l.split(': ')[0])).toEqual([
      'demo/1.9.0.json:/levels/specialfunktion/requirements/0/conditions/all/0/operator',
      'demo/1.9.0.json:/levels/specialfunktion/requirements/1/id',
      'demo/1.10.0.json:/levels/specialfunktion/requirements/0/conditions/all/0/operator',
      'demo/1.10.0.json:/levels/specialfunktion/requirements/1/id',
    ]);
  });
});

describe('schema messages for malformed condition trees', () => {
  const ENGLISH = /\bmust\b|\bshould\b|\bproperty\b|\bitems\b|\bNOT\b|\bmatch\b/;

  it('names a bare condition under conditions, not given a list and an empty all by code and pointer, in Danish', () => {
    const ruleset = edited(baseRuleset(), (r) => {
      r.levels.specialfunktion.requirements[0].conditions = { fact: 'staffCount', operator: 'greaterThan', value: 1 };
      r.levels.specialfunktion.requirements[1].conditions = { not: [{ fact: 'staffCount', operator: 'greaterThan', value: 1 }] };
      r.levels.specialfunktion.requirements[2].conditions = { all: [] };
    });
    const problems = checkRulesetContent(ruleset);
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/levels/specialfunktion/requirements/0/conditions', 'condition-not-in-group'],
      ['/levels/specialfunktion/requirements/1/conditions/not', 'not-takes-one-condition'],
      ['/levels/specialfunktion/requirements/2/conditions/all', 'too-few-items'],
    ]);
    for (const p of problems) expect(p.message).not.toMatch(ENGLISH);
  });
});
