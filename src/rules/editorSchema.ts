import {
  allFacts,
  operatorsFor,
  resolvedParamsSchema,
  vocabulary,
  type FactDefinition,
  type ScalarFactType,
  type VocabularyName,
} from '../evidence/catalogue';

/**
 * The JSON Schema editors use for rule files (schemas/rule-file.schema.json), generated from the fact
 * catalogue: every fact as an enum value with its Danish description, and for the fact chosen its
 * operators, value type, path keys and params, vocabulary values as enums. It adds to
 * schemas/ruleset.schema.json (`allOf` + `$ref`) rather than repeating it, so everything that schema
 * checks still holds. The keywords `markdownDescription`, `enumDescriptions` and
 * `markdownEnumDescriptions` are VS Code's (vscode-json-languageservice): its hover and completion text.
 */

export const EDITOR_SCHEMA_NAME = 'rule-file.schema.json';
/** What a rule file's "$schema" says: from rules/<speciale>/<version>.json to schemas/rule-file.schema.json. */
export const EDITOR_SCHEMA_REFERENCE = `../../schemas/${EDITOR_SCHEMA_NAME}`;
export const EDITOR_SCHEMA_COMMAND = 'speciale-rules schema';

type Schema = Record<string, unknown>;

const TYPE_WORDS: Record<ScalarFactType | 'object', string> = {
  number: 'tal',
  integer: 'helt tal',
  boolean: 'true eller false',
  string: 'tekst',
  'string[]': 'liste af tekster',
  date: 'dato (ÅÅÅÅ-MM-DD)',
  object: 'objekt (vælg en værdi med path)',
};

/** How an author reads each operator: the fact on the left, "value" on the right. */
const OPERATOR_WORDS: Record<string, string> = {
  equal: 'faktum er lig med value',
  notEqual: 'faktum er forskellig fra value',
  lessThan: 'faktum er mindre end value',
  lessThanInclusive: 'faktum er højst value',
  greaterThan: 'faktum er større end value',
  greaterThanInclusive: 'faktum er mindst value',
  in: 'faktum er en af værdierne i value (en liste)',
  notIn: 'faktum er ingen af værdierne i value (en liste)',
  contains: 'listen omfatter value (én værdi)',
  doesNotContain: 'listen omfatter ikke value (én værdi)',
  dateOnOrAfter: 'datoen er value eller senere',
  dateOnOrBefore: 'datoen er value eller tidligere',
};

/** The editor schema as a value; `serializeEditorSchema` gives the file's text. */
export function editorSchema(): Schema {
  const facts = allFacts();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://specialfunktion.dk/schemas/${EDITOR_SCHEMA_NAME}`,
    $comment: `Genereret af \`${EDITOR_SCHEMA_COMMAND}\` fra schemas/fact-catalogue.json og ordlisterne; ret ikke i filen, men i kataloget, og kør kommandoen igen.`,
    title: 'Regelfil (rules/<speciale>/<version>.json) med faktakataloget',
    description: 'Regelsættets JSON Schema (ruleset.schema.json) plus faktakataloget: hvilke fakta, operatorer, værdier, path og params en betingelse kan have.',
    allOf: [{ $ref: 'ruleset.schema.json' }],
    properties: {
      $schema: { description: `Editor-skemaet, som giver forslag og forklaringer, mens du skriver: "${EDITOR_SCHEMA_REFERENCE}". Indgår ikke i regelsættets indholds-hash.` },
      levels: { properties: { specialfunktion: { $ref: '#/$defs/level' }, raadgivningsfunktion: { $ref: '#/$defs/level' } } },
    },
    $defs: {
      level: { properties: { requirements: { items: { properties: { conditions: { $ref: '#/$defs/group' } } } } } },
      group: {
        properties: {
          all: { items: { $ref: '#/$defs/condition' } },
          any: { items: { $ref: '#/$defs/condition' } },
          not: { $ref: '#/$defs/condition' },
        },
      },
      // The same split as ruleset.schema.json: a node with all/any/not is a group, anything else a leaf.
      condition: {
        if: { anyOf: ['all', 'any', 'not'].map((key) => ({ required: [key], properties: { [key]: true } })) },
        then: { $ref: '#/$defs/group' },
        else: { $ref: '#/$defs/leaf' },
      },
      leaf: {
        properties: {
          fact: {
            enum: facts.map((f) => f.id),
            ...enumTexts(facts.map(factText)),
            errorMessage: 'ukendt faktum; brug et faktum fra faktakataloget (schemas/fact-catalogue.json) – editoren foreslår dem',
          },
        },
        // The operators come with the fact (below), so an editor offers only those that fit it.
        allOf: facts.map((f) => ({ if: { properties: { fact: { const: f.id } }, required: ['fact'] }, then: { $ref: `#/$defs/${factDefName(f)}` } })),
      },
      ...Object.fromEntries(facts.map((f) => [factDefName(f), factSchema(f)])),
    },
  };
}

/** The file's text: two-space JSON with a final newline, as the other schemas. */
export function serializeEditorSchema(schema: Schema = editorSchema()): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function factDefName(fact: FactDefinition): string {
  return `fact-${fact.id}`;
}

/** Hover and completion text for a fact: label, type and unit, meaning, derivation. */
function factText(fact: FactDefinition): string {
  const type = fact.type === 'object' && fact.valueType ? `${TYPE_WORDS.object}, værdier: ${TYPE_WORDS[fact.valueType]}` : TYPE_WORDS[fact.type];
  const unit = fact.unit ? `, ${fact.unit}` : '';
  return `**${fact.label.da}** (${type}${unit})\n\n${fact.description.da}\n\nUdledes: ${fact.derivation.da}`;
}

/** VS Code shows `markdownEnumDescriptions`; other editors may read the plain `enumDescriptions`. */
function enumTexts(markdown: string[]): Schema {
  return { markdownEnumDescriptions: markdown, enumDescriptions: markdown.map((m) => m.replace(/\*\*/g, '')) };
}

function operatorSchema(operators: readonly string[]): Schema {
  return { enum: [...operators], ...enumTexts(operators.map((o) => OPERATOR_WORDS[o] ?? o)) };
}

const list = (items: readonly string[]) => items.join(', ');

/** A vocabulary as an enum with Danish labels and a Danish message for a value outside it. */
function vocabularyEnum(name: VocabularyName, where: string): Schema {
  const entries = vocabulary(name);
  const ids = entries.map((e) => e.id);
  return { enum: ids, ...enumTexts(entries.map((e) => e.da)), errorMessage: `${where}: værdien er ikke i ordlisten ${name}; brug en af: ${list(ids)}` };
}

/** A schema that refuses any value, with the Danish reason (VS Code shows `errorMessage`). */
function notAllowed(message: string): Schema {
  return { not: {}, errorMessage: message };
}

/** What an operator, value, path and params must be once `fact` names this fact. */
function factSchema(fact: FactDefinition): Schema {
  const compared = fact.type === 'object' ? fact.valueType : fact.type;
  const about = `faktum '${fact.id}' (${fact.label.da})`;
  const properties: Schema = {};
  const required: string[] = [];
  const conditional: Schema[] = [];

  if (compared) {
    const allowed = operatorsFor(compared);
    properties.operator = {
      ...operatorSchema(allowed),
      description: `Operatorer til ${about}: ${TYPE_WORDS[compared]}.`,
      errorMessage: `operatoren passer ikke til faktum '${fact.id}' (${compared}); brug en af: ${list(allowed)}`,
    };
    const unit = fact.unit ? ` (${fact.unit})` : '';
    const value = `Værdien, ${about} sammenlignes med: ${TYPE_WORDS[compared]}${unit}.`;
    const where = `faktum '${fact.id}'`;
    const vocab = fact.vocabulary;
    if (compared === 'string' && vocab) {
      // 'in' and 'notIn' compare with a list, 'equal' and 'notEqual' with one value.
      const one = vocabularyEnum(vocab, where);
      conditional.push({
        if: { properties: { operator: { enum: ['in', 'notIn'] } }, required: ['operator'] },
        then: {
          properties: {
            value: {
              type: 'array',
              minItems: 1,
              items: one,
              description: `${value} En liste af værdier fra ordlisten ${vocab}.`,
              errorMessage: `operatorerne 'in' og 'notIn' kræver en ikke-tom liste af værdier fra ordlisten ${vocab}, fx ["${vocabulary(vocab)[0]?.id ?? '…'}"]`,
            },
          },
        },
        else: { properties: { value: { ...one, description: `${value} En værdi fra ordlisten ${vocab}.` } } },
      });
    } else {
      properties.value = { ...valueSchema(compared, vocab, where, `${compared}${fact.unit ? `, ${fact.unit}` : ''}`), description: vocab ? `${value} Én værdi fra ordlisten ${vocab}.` : value };
    }
  }

  if (fact.type === 'object') {
    const keys = fact.pathVocabulary ? vocabulary(fact.pathVocabulary) : [];
    const paths = keys.map((k) => `$.${k.id}`);
    properties.path = {
      description: `Vælger én værdi af ${about}, fx "$.${keys[0]?.id ?? 'nøgle'}".`,
      ...(keys.length > 0
        ? { enum: paths, ...enumTexts(keys.map((k) => k.da)), errorMessage: `path skal vælge en nøgle fra ordlisten ${fact.pathVocabulary} for faktum '${fact.id}'; brug en af: ${list(paths)}` }
        : { type: 'string' }),
    };
    required.push('path');
  } else {
    properties.path = notAllowed(`faktum '${fact.id}' (${fact.type}) har ingen felter at vælge med path; fjern "path"`);
  }

  const params = resolvedParamsSchema(fact);
  if (params) {
    properties.params = { ...describedParams(fact, params), description: `Params til ${about}.` };
    if (Array.isArray(params.required) && params.required.length > 0) required.push('params');
  } else {
    properties.params = notAllowed(`faktum '${fact.id}' tager ingen params; fjern "params"`);
  }

  return { properties, ...(required.length > 0 ? { required } : {}), ...(conditional.length > 0 ? { allOf: conditional } : {}) };
}

function valueSchema(type: ScalarFactType, vocab: VocabularyName | undefined, where: string, kind: string): Schema {
  const wrong = (expected: string) => `værdien passer ikke til ${where} (${kind}); ${expected}`;
  switch (type) {
    case 'number':
      return { type: 'number', errorMessage: wrong('angiv et tal uden anførselstegn') };
    case 'integer':
      return { type: 'integer', errorMessage: wrong('angiv et helt tal uden anførselstegn') };
    case 'boolean':
      return { type: 'boolean', errorMessage: wrong('angiv true eller false uden anførselstegn') };
    case 'date':
      return { type: 'string', format: 'date', errorMessage: wrong('angiv en dato som "ÅÅÅÅ-MM-DD", fx "2026-01-01"') };
    case 'string':
    case 'string[]':
      // A string[] fact's operators (contains, doesNotContain) take one value.
      return vocab ? vocabularyEnum(vocab, where) : { type: 'string', errorMessage: wrong('angiv en tekst i "…"') };
  }
}

/** "et helt tal fra 1 til 30", "true eller false", "en af: ekstern, intern". */
function paramWords(property: Schema): string {
  if (Array.isArray(property.enum)) return `en af: ${list(property.enum.map(String))}`;
  if (property.type === 'boolean') return 'true eller false';
  const range = typeof property.minimum === 'number' && typeof property.maximum === 'number' ? ` fra ${property.minimum} til ${property.maximum}` : '';
  return `${property.type === 'integer' ? 'et helt tal' : 'et tal'}${range}`;
}

/** The params schema, with Danish labels on vocabulary values (resolvedParamsSchema gives the bare enums). */
function describedParams(fact: FactDefinition, resolved: Schema): Schema {
  const raw = (fact.params?.properties ?? {}) as Record<string, { vocabulary?: VocabularyName; items?: { vocabulary?: VocabularyName } }>;
  const properties = { ...((resolved.properties ?? {}) as Record<string, Schema>) };
  for (const [name, property] of Object.entries(properties)) {
    const own = raw[name]?.vocabulary;
    const item = raw[name]?.items?.vocabulary;
    const where = `param '${name}' til faktum '${fact.id}'`;
    if (own) properties[name] = { ...property, ...vocabularyEnum(own, where), description: `En værdi fra ordlisten ${own}.` };
    else if (item) {
      properties[name] = { ...property, items: vocabularyEnum(item, where), description: `En liste af værdier fra ordlisten ${item}.`, errorMessage: `${where} skal være en ikke-tom liste af værdier fra ordlisten ${item} uden gentagelser` };
    } else properties[name] = { ...property, errorMessage: `${where} skal være ${paramWords(property)}` };
  }
  return { ...resolved, properties };
}
