import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { getLanguageService, TextDocument, type Diagnostic } from 'vscode-json-languageservice';
import rulesetSchema from '../../schemas/ruleset.schema.json';
import { allFacts, knownOperators, operatorsFor, resolvedParamsSchema, vocabulary, type FactDefinition } from '../../src/evidence/catalogue';
import { EDITOR_SCHEMA_REFERENCE, editorSchema } from '../../src/rules/editorSchema';
import { typecheckRuleset } from '../../src/rules/typecheck';
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

  it('offers the keys of an object fact as "path" and the vocabulary of a param', async () => {
    const atPath = open(ruleFileWith({ fact: 'fteByProfession', path: '', operator: 'greaterThan', value: 1 }));
    const paths = await service.doComplete(atPath.document, atPath.document.positionAt(offsetOf(atPath.text, '"path": ""') + '"path": "'.length), atPath.json);
    expect((paths?.items ?? []).map((item) => JSON.parse(item.label) as string).sort()).toEqual(vocabulary('professions').map((e) => `$.${e.id}`).sort());
    const atParam = open(ruleFileWith({ fact: 'fteWithCompetence', params: { competence: '' }, operator: 'greaterThan', value: 1 }));
    const params = await service.doComplete(atParam.document, atParam.document.positionAt(offsetOf(atParam.text, '"competence": ""') + '"competence": "'.length), atParam.json);
    expect((params?.items ?? []).map((item) => JSON.parse(item.label) as string).sort()).toEqual(vocabulary('competences').map((e) => e.id).sort());
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

  it('says what is wrong in Danish, in the schema\'s own words rather than the editor\'s defaults', async () => {
    const mistakes = [
      { fact: 'staffCont', operator: 'equal', value: 1 },
      { fact: 'staffCount', operator: 'contains', value: 3 },
      { fact: 'staffCount', operator: 'equal', value: '3' },
      { fact: 'methodsInUse', operator: 'contains', value: 'teach' },
      { fact: 'ownerType', operator: 'in', value: 'kommunal' },
      { fact: 'fteByProfession', path: '$.psychologist', operator: 'greaterThan', value: 1 },
      { fact: 'staffCount', path: '$.psykolog', operator: 'greaterThan', value: 1 },
      { fact: 'staffCount', params: { withinYears: 2 }, operator: 'greaterThan', value: 1 },
      { fact: 'fteWithCompetence', params: { competence: 'autisme', withinYears: '2' }, operator: 'greaterThan', value: 1 },
      { fact: 'methodFoundationReviewedOn', operator: 'dateOnOrAfter', value: '1. januar 2026' },
    ];
    for (const mistake of mistakes) {
      const messages = (await diagnostics(ruleFileWith(mistake))).map((d) => d.message);
      expect({ mistake, marked: messages.length > 0 }).toEqual({ mistake, marked: true });
      if (process.env.SHOW_EDITOR_MESSAGES) console.log(messages);
      for (const message of messages) expect({ mistake, message }).toEqual({ mistake, message: expect.stringMatching(/faktum|værdi|operator|param|path/) });
    }
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

describe('the editor schema and the type-check', () => {
  // A validator that knows the schema keywords only VS Code reads; compiled once for the whole suite.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv, ['date']);
  for (const keyword of ['markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'errorMessage']) ajv.addKeyword(keyword);
  ajv.addSchema(rulesetSchema);
  const validate = ajv.compile(editorSchema());

  /** Params an author could write for a fact: none, empty, valid (with and without optional ones), unknown. */
  function paramsFor(fact: FactDefinition): unknown[] {
    const schema = resolvedParamsSchema(fact);
    if (!schema) return [undefined, {}];
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    const example = (p: Record<string, unknown>): unknown => {
      if (Array.isArray(p.enum)) return p.enum[0];
      if (p.type === 'array') return [example(p.items as Record<string, unknown>)];
      if (p.type === 'boolean') return true;
      return p.minimum ?? 1;
    };
    const required = Object.fromEntries((schema.required as string[]).map((name) => [name, example(properties[name])]));
    const all = Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, example(p)]));
    return [undefined, {}, required, all, { ...required, ukendt: 1 }];
  }

  /** Values of every kind, and the fact's own vocabulary values alone, in lists and mixed with an unknown one. */
  function valuesFor(fact: FactDefinition): unknown[] {
    const own = fact.vocabulary ? vocabulary(fact.vocabulary).map((e) => e.id) : [];
    return [0, 2, 2.5, -1, true, false, '2026-01-01', '2026-02-30', 'x', '3', [], ['x'], ...own.slice(0, 2), own.slice(0, 2), [own[0], 'ukendt'], [own[0], own[0]]];
  }

  /** Operators and values that fit the fact, so that about half the conditions are valid. */
  function fitting(fact: FactDefinition): { operators: string[]; values: unknown[]; paths: string[] } {
    const type = fact.type === 'object' ? fact.valueType! : fact.type;
    const own = fact.vocabulary ? vocabulary(fact.vocabulary).map((e) => e.id) : [];
    const values: Record<string, unknown[]> = { number: [0, 2.5], integer: [0, 3], boolean: [true], date: ['2026-01-01'], string: [own[0], own.slice(0, 2)], 'string[]': own.slice(0, 2) };
    const paths = fact.pathVocabulary ? vocabulary(fact.pathVocabulary).map((e) => `$.${e.id}`).slice(0, 2) : [];
    return { operators: [...operatorsFor(type)], values: values[type], paths };
  }

  const leaf = fc.oneof(
    fc.constantFrom(...allFacts()).chain((fact) => {
      const fit = fitting(fact);
      const params = paramsFor(fact);
      return fc.record({
        fact: fc.constant(fact.id),
        operator: fc.oneof({ arbitrary: fc.constantFrom(...fit.operators), weight: 4 }, { arbitrary: fc.constantFrom(...knownOperators(), 'atLeast'), weight: 1 }),
        value: fc.oneof({ arbitrary: fc.constantFrom(...fit.values), weight: 4 }, { arbitrary: fc.constantFrom(...valuesFor(fact)), weight: 1 }),
        params: fc.oneof({ arbitrary: fc.constant(params[params.length === 2 ? 0 : 2]), weight: 4 }, { arbitrary: fc.constantFrom(...params), weight: 1 }),
        path: fit.paths.length > 0
          ? fc.oneof({ arbitrary: fc.constantFrom(...fit.paths), weight: 4 }, { arbitrary: fc.constantFrom(undefined, '$.ukendt'), weight: 1 })
          : fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.constant('$.psykolog'), weight: 1 }),
      });
    }),
    fc.record({ fact: fc.constantFrom('staffCont', 'ukendt'), operator: fc.constantFrom('equal', 'contains'), value: fc.constantFrom(1, 'x') }),
  );
  let accepted = 0;
  let runs = 0;

  it('accepts exactly the conditions the type-check accepts', () => {
    fc.assert(
      fc.property(leaf, (generated) => {
        const condition = Object.fromEntries(Object.entries(generated).filter(([, v]) => v !== undefined));
        const rule = JSON.parse(ruleFileWith(condition)) as Ruleset;
        const typecheck = typecheckRuleset(rule);
        runs += 1;
        if (typecheck.length === 0) accepted += 1;
        expect({ condition, editorSchemaAccepts: validate(rule) }).toEqual({ condition, editorSchemaAccepts: typecheck.length === 0 });
      }),
      { numRuns: 1500 },
    );
    // Both outcomes are compared often, not just the (easy) refusals.
    expect(accepted / runs).toBeGreaterThan(0.2);
    expect(accepted / runs).toBeLessThan(0.8);
  });

  it('accepts every shipped rule file', () => {
    for (const dir of readdirSync(RULES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(path.join(RULES, dir.name)).filter((f) => f.endsWith('.json'))) {
        const rule = JSON.parse(readFileSync(path.join(RULES, dir.name, file), 'utf8')) as unknown;
        expect({ file, errors: validate(rule) ? [] : validate.errors }).toEqual({ file, errors: [] });
      }
    }
  });
});
