import { Router } from 'express';
import { allFacts, vocabulary, vocabularyNames, type FactDefinition, type VocabularyName } from '../../evidence/catalogue';

interface ParamSchema {
  type?: string;
  vocabulary?: VocabularyName;
  items?: { vocabulary?: VocabularyName };
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

/** A fact's params as a list an author or a client can read: name, whether required, type and allowed values. */
function paramsOf(fact: FactDefinition) {
  const properties = (fact.params?.properties ?? {}) as Record<string, ParamSchema>;
  const required = new Set((fact.params?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, p]) => ({
    name,
    required: required.has(name),
    type: p.type ?? 'string',
    ...(p.vocabulary ?? p.items?.vocabulary ? { vocabulary: p.vocabulary ?? p.items?.vocabulary } : {}),
    ...(Array.isArray(p.enum) ? { enum: p.enum } : {}),
    ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
    ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
  }));
}

/** Built once: the catalogue does not change while the service runs. */
let document: unknown;

function vocabulariesDocument() {
  document ??= {
    facts: allFacts().map((f) => ({
      id: f.id,
      label: f.label,
      description: f.description,
      type: f.type,
      ...(f.valueType ? { valueType: f.valueType } : {}),
      unit: f.unit,
      ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
      ...(f.maximum !== undefined ? { maximum: f.maximum } : {}),
      ...(f.vocabulary ? { vocabulary: f.vocabulary } : {}),
      ...(f.pathVocabulary ? { pathVocabulary: f.pathVocabulary } : {}),
      params: paramsOf(f),
    })),
    vocabularies: vocabularyNames().map((name) => ({ name, values: vocabulary(name).map((e) => ({ id: e.id, da: e.da, en: e.en })) })),
  };
  return document;
}

/**
 * The fact catalogue and its vocabularies: public, so that whoever writes evidence or rules can look up
 * the allowed values (the evidence validation's "mente du …?" points here).
 */
export function vocabularyRoutes(): Router {
  const router = Router();
  router.get('/v1/vocabularies', (_req, res) => {
    res.json(vocabulariesDocument());
  });
  return router;
}
