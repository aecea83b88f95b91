import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { decisionTextsProblems, defaultDecisionTexts, fillText } from '../../src/decisions/texts';

/**
 * The texts of the written decision belong to the deployment (DECISION_TEXTS_FILE): checked once at start,
 * each fault one line naming the file and the JSON pointer; without a file, the illustrative default.
 */
const ROOT = path.resolve(__dirname, '../..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sf-texts-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const own = {
  legalBasis: { default: ['Afgørelsen er truffet efter § 1 i testloven.'], revocation: ['Tilbagekaldelse efter § 2 i testloven ({level}).'] },
  reportingDuty: 'Meddel {authority} ændringer.',
  recheck: 'Genvurderes hver {recheckIntervalMonths}. måned.',
  appeal: ['Klag til Ankestyrelsen inden 4 uger.'],
};

function problemsWith(content: string): string[] {
  const file = path.join(dir, 'texts.json');
  writeFileSync(file, content);
  try {
    loadConfig({ DECISION_TEXTS_FILE: file }, ROOT);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('DECISION_TEXTS_FILE', () => {
  it('is optional: the shipped default is valid and says it is illustrative', () => {
    const texts = loadConfig({}, ROOT).decisionTexts;
    expect(texts).toEqual(defaultDecisionTexts());
    expect(decisionTextsProblems(texts)).toEqual([]);
    expect(texts.illustrative).toMatch(/[Ii]llustrativ/);
    for (const kind of ['default', 'approval', 'rejection', 'revocation', 'renewal', 'assignment']) expect(texts.legalBasis[kind]?.length).toBeGreaterThan(0);
  });

  it('loads a deployment’s own texts, which then carry no illustrative notice', () => {
    const file = path.join(dir, 'texts.json');
    writeFileSync(file, JSON.stringify(own));
    const texts = loadConfig({ DECISION_TEXTS_FILE: file }, ROOT).decisionTexts;
    expect(texts).toEqual(own);
    expect(texts.illustrative).toBeUndefined();
    expect(fillText(texts.reportingDuty, { authority: 'Socialtilsyn Nord', level: 'specialfunktion', recheckIntervalMonths: '12' })).toBe('Meddel Socialtilsyn Nord ændringer.');
  });

  it('refuses the start with one line per file: the file, the JSON pointer and what is wrong', () => {
    const file = path.join(dir, 'texts.json');
    expect(problemsWith(JSON.stringify({ ...own, legalBasis: { approval: ['x'] } }))).toEqual([`DECISION_TEXTS_FILE: ${file}:/legalBasis/default: påkrævet felt mangler`]);
    expect(problemsWith(JSON.stringify({ ...own, appeal: ['Klag til {klageinstans}.'] }))).toEqual([
      `DECISION_TEXTS_FILE: ${file}:/appeal/0: kun {authority}, {level}, {recheckIntervalMonths} må stå i krøllede parenteser`,
    ]);
    const two = problemsWith(JSON.stringify({ ...own, appeal: [], recheck: '' }));
    expect(two).toHaveLength(1);
    expect(two[0]).toMatch(/^DECISION_TEXTS_FILE: .*texts\.json:\/(appeal|recheck): .* \(og 1 fejl mere\)$/);
    expect(problemsWith('{ "legalBasis": ')).toEqual([expect.stringMatching(/^DECISION_TEXTS_FILE: .*texts\.json: ugyldig JSON i linje 1, kolonne \d+/)]);
    expect(() => loadConfig({ DECISION_TEXTS_FILE: path.join(dir, 'missing.json') }, ROOT)).toThrow(/DECISION_TEXTS_FILE=".*missing\.json": no such file/);
  });
});
