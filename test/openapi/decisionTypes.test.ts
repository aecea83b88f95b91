/**
 * The response schemas of the written decision, replay, export, the evaluation list and the worklist against
 * the TypeScript types the service builds them from: each sample is typed with every property filled in
 * (`Required<…>`), so a property added to a type fails to compile here until the sample and the schema have it;
 * the schemas have `additionalProperties: false`, so a property missing from a schema fails the run.
 */
import type { DecisionCondition, DecisionDocument, DecisionReason } from '../../src/decisions/document';
import { openapiDocument, type JsonObject } from '../../src/http/openapi';
import { validateResponse } from '../support/contractResponses';
import { REPLAY_DIFFERENCES, type ReplayReport } from '../../src/replay/replay';
import type { EvaluationSummary } from '../../src/worklist/evaluations';
import { WORKLIST_KINDS, type Worklist, type WorklistItem } from '../../src/worklist/worklist';

const schemas = (openapiDocument().components as Record<string, Record<string, JsonObject>>).schemas;
const propertiesOf = (schema: JsonObject) => Object.keys(schema.properties as JsonObject).sort();
const HASH = `sha256:${'a'.repeat(64)}`;

const condition: Required<DecisionCondition> = {
  fact: 'citizenCoursesStarted',
  required: 3,
  actual: 2,
  unit: 'borgerforløb',
  requiredText: 'mindst 3 borgerforløb',
  actualText: '2 borgerforløb',
  outcome: 'not-met',
  explanation: 'Borgerforløb startet er 2 (krav: mindst 3) – ikke opfyldt.',
};
const reason: Required<DecisionReason> = {
  id: 'TST-SF-03',
  title: 'Volumen',
  category: 'activePractice',
  severity: 'required',
  outcome: 'not-met',
  transitional: false,
  explanation: 'Ikke opfyldt.',
  conditions: [condition],
};
const decision: Required<DecisionDocument['decision']> = {
  statement: 'Tilbuddets godkendelse tilbagekaldes.',
  reason: 'Volumen ikke opfyldt',
  speciale: 'autisme',
  level: 'raadgivningsfunktion',
  status: 'revoked',
  period: { validFrom: '2026-10-01', validUntil: '2034-09-30' },
  endsOn: '2027-01-15',
  previousValidUntil: '2030-09-30',
  tender: 'SST-UDBUD-2026-014',
};
const doc: Required<DecisionDocument> = {
  formatVersion: 1,
  approvalId: 'a-1',
  number: 2,
  count: 2,
  kind: 'revocation',
  title: 'Afgørelse om tilbagekaldelse af godkendelse som rådgivningsfunktion',
  notice: 'Illustrative standardtekster',
  decidedAt: '2027-01-15T10:00:00.000Z',
  decidedOn: '2027-01-15',
  parties: {
    provider: { name: 'Bostedet', tilbudId: '4711', cvr: '29189846', kommunekode: '751', municipality: 'Aarhus', region: 'Midtjylland' },
    authority: { name: 'Socialtilsyn Midt', tilsyn: 'Midt' },
    decidedBy: 'inspektoer@midt',
  },
  decision,
  legalBasis: ['§ 1'],
  ruleset: { speciale: 'autisme', title: 'Autisme', version: '1.0.0', effectiveFrom: '2026-01-01', effectiveTo: '2027-12-31', hash: HASH },
  evaluation: { id: 'e-1', asOf: '2026-12-01', overall: 'not-eligible', summary: 'Opfylder ikke', engineVersion: '7.3.1' },
  reasons: [reason],
  evidence: { reportingDate: '2026-11-15', hash: HASH },
  obligations: { reportingDuty: 'Meddel ændringer.', recheck: 'Hver 12. måned.', recheckIntervalMonths: 12, nextDueDate: '2027-12-01' },
  appeal: ['Klag til Ankestyrelsen.'],
};

const report: Required<ReplayReport> = {
  evaluationId: 'e-1',
  identical: false,
  differences: [{ what: 'rule-file', message: 'Regelfilen er ændret' }],
  speciale: 'autisme',
  level: 'specialfunktion',
  asOf: '2026-10-01',
  evidence: { recordedHash: HASH, recomputedHash: HASH, identical: true },
  ruleset: { version: '1.0.0', recordedHash: HASH, currentHash: null, identical: false },
  semantics: { recorded: 1, current: 2, identical: false },
  engine: { recorded: '7.3.1', current: '7.3.1' },
  overall: { recorded: 'eligible', replayed: null, identical: false },
  requirements: [{ id: 'TST-SF-01', title: 'Uddannelse', recorded: 'met', replayed: null, identical: false }],
};

const summary: Required<EvaluationSummary> = {
  id: 'e-1',
  speciale: 'autisme',
  level: 'specialfunktion',
  asOf: '2026-10-01',
  overall: 'eligible',
  summary: 'Opfylder alle krav',
  reportingDate: '2026-09-01',
  rulesetVersion: '1.0.0',
  rulesetHash: HASH,
  evidenceHash: HASH,
  provider: { tilbudId: '4711', cvr: '29189846', name: 'Bostedet', kommunekode: '751', region: 'Midtjylland', tilsyn: 'Midt' },
  createdAt: '2026-10-01T09:00:00.000Z',
  createdBy: 'inspektoer@midt',
  approvalId: 'a-1',
  trigger: 'schedule',
};

const item: Required<WorklistItem> = {
  kind: 'at-risk',
  overdue: true,
  dueDate: '2026-11-30',
  daysLeft: -15,
  approvalId: 'a-1',
  evaluationId: 'e-1',
  speciale: 'autisme',
  level: 'specialfunktion',
  tilsyn: 'Midt',
  provider: { tilbudId: '4711', name: 'Bostedet', cvr: '29189846', kommunekode: '751' },
  status: 'at-risk',
  validUntil: '2030-09-30',
  message: 'Fristen er overskredet',
  details: { unmetRequirements: ['TST-SF-03'] },
};
const worklist: Required<Worklist> = {
  asOf: '2026-12-15',
  tilsyn: 'Midt',
  items: [item],
  counts: Object.fromEntries(WORKLIST_KINDS.map((k) => [k, k === 'at-risk' ? 1 : 0])) as Worklist['counts'],
  overdue: 1,
  lastRun: { id: 'r-1', status: 'finished', startedAt: '2026-12-15T02:00:00.000Z', finishedAt: '2026-12-15T02:01:00.000Z', failureCount: 0, runFailures: [] },
};

describe('response schemas of issue 12 (points 6–8) match the TypeScript types', () => {
  it('DecisionDocument (src/decisions/document.ts)', () => {
    expect(validateResponse('get', '/v1/approvals/{id}/decision', 200, 'application/json', doc)).toEqual([]);
    expect(validateResponse('get', '/v1/approvals/{id}/decisions/{n}', 200, 'application/json', { ...doc, notice: undefined, evaluation: null, evidence: null, decision: { ...decision, period: null } })).toEqual([]);
    expect(propertiesOf(schemas.DecisionDocument)).toEqual(Object.keys(doc).sort());
    expect(propertiesOf(schemas.DecisionReason)).toEqual(Object.keys(reason).sort());
    expect(propertiesOf(schemas.DecisionCondition)).toEqual(Object.keys(condition).sort());
  });

  it('ReplayReport (src/replay/replay.ts)', () => {
    expect(validateResponse('post', '/v1/evaluations/{id}/replay', 200, 'application/json', report)).toEqual([]);
    expect(propertiesOf(schemas.ReplayReport)).toEqual(Object.keys(report).sort());
    expect(((schemas.ReplayDifference.properties as JsonObject).what as JsonObject).enum).toEqual([...REPLAY_DIFFERENCES]);
  });

  it('EvaluationSummary (src/worklist/evaluations.ts)', () => {
    expect(validateResponse('get', '/v1/evaluations', 200, 'application/json', { items: [summary], nextCursor: 'abc' })).toEqual([]);
    expect(propertiesOf(schemas.EvaluationSummary)).toEqual(Object.keys(summary).sort());
  });

  it('Worklist and WorklistItem (src/worklist/worklist.ts), with the kinds the domain defines', () => {
    expect(validateResponse('get', '/v1/worklist', 200, 'application/json', worklist)).toEqual([]);
    expect(propertiesOf(schemas.Worklist)).toEqual(Object.keys(worklist).sort());
    expect(propertiesOf(schemas.WorklistItem)).toEqual(Object.keys(item).sort());
    expect(schemas.WorklistKind.enum).toEqual([...WORKLIST_KINDS]);
  });
});
