import catalogueJson from '../../schemas/fact-catalogue.json';
import { allTilsynInfo } from '../geography';

/** The fact catalogue (schemas/fact-catalogue.json), typed. Rules may use these facts only. */

/** A text in Danish, optionally also in English: the catalogue's labels here, and the rule sets' titles (rules/types.ts). */
export interface Text {
  da: string;
  en?: string;
}

export type FactType = 'number' | 'integer' | 'boolean' | 'string' | 'string[]' | 'date' | 'object';
export type ScalarFactType = Exclude<FactType, 'object'>;

export interface VocabularyEntry {
  id: string;
  da: string;
  en: string;
  group?: string | null;
}

export type VocabularyName =
  | 'professions'
  | 'educationGroups'
  | 'educations'
  | 'competences'
  | 'partnerTypes'
  | 'targetGroups'
  | 'methods'
  | 'advisoryRecipientTypes'
  | 'knowledgeActivityKinds'
  | 'ownerTypes'
  /** Not in the catalogue file: the socialtilsyn are data of their own (src/geography), which can change. */
  | 'socialtilsyn';

export interface FactDefinition {
  id: string;
  type: FactType;
  /** For object facts read with `path`: the type of each value and the vocabulary of the keys. */
  valueType?: ScalarFactType;
  pathVocabulary?: VocabularyName;
  /** For string and string[] facts: the vocabulary of the values. */
  vocabulary?: VocabularyName;
  unit: string | null;
  /** For number and integer facts (and object facts of numbers): the range every value lies in; a condition outside it can never hold. */
  minimum?: number;
  maximum?: number;
  /** The evidence field whose absence makes the fact missing (insufficient evidence). */
  requires: string;
  label: Text;
  description: Text;
  derivation: Text;
  /** JSON Schema of the params; `{ "vocabulary": name }` stands for an enum of that vocabulary. */
  params?: Record<string, unknown>;
}

interface CatalogueFile {
  operatorsByType: Record<ScalarFactType, string[]>;
  vocabularies: Record<VocabularyName, VocabularyEntry[]>;
  facts: FactDefinition[];
}

const catalogueFile = catalogueJson as unknown as CatalogueFile;
const catalogue: CatalogueFile = {
  ...catalogueFile,
  vocabularies: { ...catalogueFile.vocabularies, socialtilsyn: allTilsynInfo().map((t) => ({ id: t.id, da: t.navn, en: t.navn })) },
};
const factsById = new Map(catalogue.facts.map((f) => [f.id, f]));
const vocabularyIds = new Map<VocabularyName, Set<string>>(
  (Object.keys(catalogue.vocabularies) as VocabularyName[]).map((name) => [name, new Set(catalogue.vocabularies[name].map((e) => e.id))]),
);
const vocabularyEntries = new Map<string, Map<string, VocabularyEntry>>(
  Object.entries(catalogue.vocabularies).map(([name, entries]) => [name, new Map(entries.map((e) => [e.id, e]))]),
);

export function allFacts(): readonly FactDefinition[] {
  return catalogue.facts;
}

export function factDefinition(id: string): FactDefinition | undefined {
  return factsById.get(id);
}

export function operatorsFor(type: ScalarFactType): readonly string[] {
  return catalogue.operatorsByType[type];
}

/** Every operator the rules may use, over all fact types. */
export function knownOperators(): Set<string> {
  return new Set(Object.values(catalogue.operatorsByType).flat());
}

/** Every vocabulary's name, the socialtilsyn included. */
export function vocabularyNames(): VocabularyName[] {
  return Object.keys(catalogue.vocabularies) as VocabularyName[];
}

export function vocabulary(name: VocabularyName): readonly VocabularyEntry[] {
  return catalogue.vocabularies[name];
}

export function isInVocabulary(name: VocabularyName, id: string): boolean {
  return vocabularyIds.get(name)?.has(id) ?? false;
}

/** The Danish label of a vocabulary value; the id itself when unknown. */
export function vocabularyLabel(name: VocabularyName, id: string): string {
  return vocabularyEntries.get(name)?.get(id)?.da ?? id;
}

export function educationGroupOf(education: string): string | undefined {
  return vocabularyEntries.get('educations')?.get(education)?.group ?? undefined;
}

/** The params schema of a fact with every `{ vocabulary }` replaced by the enum it stands for. */
export function resolvedParamsSchema(fact: FactDefinition): Record<string, unknown> | undefined {
  return fact.params ? (resolveVocabulary(fact.params) as Record<string, unknown>) : undefined;
}

function resolveVocabulary(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolveVocabulary);
  if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.vocabulary === 'string') {
      return { enum: [...(vocabularyIds.get(record.vocabulary as VocabularyName) ?? [])] };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolveVocabulary(v)]));
  }
  return node;
}

/** Which vocabulary a param name draws from, for labelling param values in Danish text. */
export function paramVocabulary(fact: FactDefinition, param: string): VocabularyName | undefined {
  const properties = (fact.params?.properties ?? {}) as Record<string, { vocabulary?: VocabularyName; items?: { vocabulary?: VocabularyName } }>;
  const property = properties[param];
  return property?.vocabulary ?? property?.items?.vocabulary;
}
