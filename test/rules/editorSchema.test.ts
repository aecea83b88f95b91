import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { getLanguageService, TextDocument, type Diagnostic } from 'vscode-json-languageservice';
import { allFacts, vocabulary } from '../../src/evidence/catalogue';
import { EDITOR_SCHEMA_REFERENCE } from '../../src/rules/editorSchema';
import type { Ruleset } from '../../src/rules/types';
import { baseRuleset } from './helpers';

/**
 * What an author sees in VS Code: its JSON support (vscode-json-languageservice) on a rule file whose
 * "$schema" leads to the committed schemas/rule-file.schema.json, loaded from disk as the editor does.
 */

const ROOT = path.join(__dirname, '..', '..');
const RULES = path.join(ROOT, 'rules');
const loaded: string[] = [];

const service = getLanguageService({
  schemaRequestService: async (uri) => {
    loaded.push(uri);
    return readFileSync(fileURLToPath(uri), 'utf8');
  },
  workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
});
service.configure({ validate: true, allowComments: false });

/** A rule file as the editor holds it: rules/demo/1.0.0.json in this repository. */
function open(text: string, file = path.join(RULES, 'demo', '1.0.0.json')) {
  const document = TextDocument.create(pathToFileURL(file).toString(), 'json', 1, text);
  return { document, json: service.parseJSONDocument(document), text };
}

/** The base rule set with its first condition replaced by `leaf`, written as an author would. */
function ruleFileWith(leaf: Record<string, unknown>): string {
  const rule: Ruleset = baseRuleset({ $schema: EDITOR_SCHEMA_REFERENCE } as Partial<Ruleset>);
  rule.levels.specialfunktion.requirements[0].conditions = { all: [leaf as never] };
  return JSON.stringify(rule, null, 2);
}

async function diagnostics(text: string): Promise<Diagnostic[]> {
  const { document, json } = open(text);
  return service.doValidation(document, json);
}

/** Offsets of the diagnostics' starts, to compare with where a piece of text sits. */
function starts(text: string, found: Diagnostic[]): number[] {
  const { document } = open(text);
  return found.map((d) => document.offsetAt(d.range.start));
}

function offsetOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in the document`);
  return at;
}

describe('the editor schema in VS Code (vscode-json-languageservice)', () => {
  it('finds the schema through "$schema" and reports nothing in the shipped rule files', async () => {
    const files = readdirSync(RULES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(RULES, d.name)).filter((f) => f.endsWith('.json')).map((f) => path.join(RULES, d.name, f)));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { document, json } = open(readFileSync(file, 'utf8'), file);
      expect({ file: path.relative(ROOT, file), diagnostics: await service.doValidation(document, json) }).toEqual({ file: path.relative(ROOT, file), diagnostics: [] });
    }
    expect(loaded.map((uri) => path.relative(ROOT, fileURLToPath(uri))).sort()).toEqual(['schemas/rule-file.schema.json', 'schemas/ruleset.schema.json']);
  });

  it('offers every fact in the catalogue as the value of "fact"', async () => {
    const { document, json, text } = open(ruleFileWith({ fact: '', operator: 'equal', value: 1 }));
    const completions = await service.doComplete(document, document.positionAt(offsetOf(text, '"fact": ""') + '"fact": "'.length), json);
    const offered = (completions?.items ?? []).map((item) => JSON.parse(item.label) as string);
    expect(offered.sort()).toEqual(allFacts().map((f) => f.id).sort());
  });

  it('offers the vocabulary values of a string[] fact as its value', async () => {
    const { document, json, text } = open(ruleFileWith({ fact: 'methodsInUse', operator: 'contains', value: '' }));
    const completions = await service.doComplete(document, document.positionAt(offsetOf(text, '"value": ""') + '"value": "'.length), json);
    const offered = (completions?.items ?? []).map((item) => JSON.parse(item.label) as string);
    expect(offered.sort()).toEqual(vocabulary('methods').map((e) => e.id).sort());
  });

  it('offers only the operators that fit the chosen fact', async () => {
    const { document, json, text } = open(ruleFileWith({ fact: 'staffCompetences', operator: '', value: 'x' }));
    const completions = await service.doComplete(document, document.positionAt(offsetOf(text, '"operator": ""') + '"operator": "'.length), json);
    const offered = (completions?.items ?? []).map((item) => JSON.parse(item.label) as string);
    expect(offered.sort()).toEqual(['contains', 'doesNotContain']);
  });

  it('marks an unknown fact where it is written', async () => {
    const text = ruleFileWith({ fact: 'staffCont', operator: 'greaterThanInclusive', value: 2 });
    const found = await diagnostics(text);
    expect(found.length).toBeGreaterThan(0);
    expect(starts(text, found)).toContain(offsetOf(text, '"staffCont"'));
  });

  it('marks a value outside the fact\'s vocabulary, alone and in a list', async () => {
    const one = ruleFileWith({ fact: 'methodsInUse', operator: 'contains', value: 'teach' });
    expect(starts(one, await diagnostics(one))).toEqual([offsetOf(one, '"teach"')]);
    const list = ruleFileWith({ fact: 'ownerType', operator: 'in', value: ['kommunal', 'statslig'] });
    expect(starts(list, await diagnostics(list))).toEqual([offsetOf(list, '"statslig"')]);
  });

  it('marks an operator that does not fit the fact, and a value of the wrong type', async () => {
    const operator = ruleFileWith({ fact: 'staffCount', operator: 'contains', value: 3 });
    expect(starts(operator, await diagnostics(operator))).toEqual([offsetOf(operator, '"contains"')]);
    const value = ruleFileWith({ fact: 'staffCount', operator: 'greaterThanInclusive', value: '3' });
    expect(starts(value, await diagnostics(value))).toEqual([offsetOf(value, '"3"')]);
  });

  it('marks a param value outside its vocabulary and a missing required param', async () => {
    const wrong = ruleFileWith({ fact: 'fteWithCompetence', params: { competence: 'autisme' }, operator: 'greaterThan', value: 1 });
    expect(starts(wrong, await diagnostics(wrong))).toEqual([offsetOf(wrong, '"autisme"')]);
    const missing = ruleFileWith({ fact: 'fteWithCompetence', operator: 'greaterThan', value: 1 });
    expect(await diagnostics(missing)).toHaveLength(1);
  });

  it('keeps the checks of ruleset.schema.json: a rule file without a title is marked', async () => {
    const rule = JSON.parse(ruleFileWith({ fact: 'staffCount', operator: 'greaterThanInclusive', value: 2 })) as Record<string, unknown>;
    delete rule.title;
    expect(await diagnostics(JSON.stringify(rule, null, 2))).toHaveLength(1);
  });

  it('shows the Danish label and description of every fact on hover', async () => {
    for (const fact of allFacts()) {
      const { document, json, text } = open(ruleFileWith({ fact: fact.id, operator: 'equal', value: 1 }));
      const hover = await service.doHover(document, document.positionAt(offsetOf(text, `"${fact.id}"`) + 1), json);
      const shown = JSON.stringify(hover?.contents);
      expect(shown).toContain(JSON.stringify(fact.label.da).slice(1, -1));
      expect(shown).toContain(JSON.stringify(fact.description.da).slice(1, -1));
    }
  });
});
