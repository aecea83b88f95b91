/**
 * The response schemas in openapi.yaml against the TypeScript types the service builds its answers
 * from. Each sample below is typed with every property filled in (`Required<…>` / `satisfies`), so
 * a property added to a type fails to compile here until the sample (and the schema) have it; the
 * schemas have `additionalProperties: false`, so a property missing from a schema fails the run.
 */
import type { ConditionResult, EvaluatedProvider, EvaluationResult, RequirementResult } from '../../src/evaluation/types';
import { openapiDocument, type JsonObject } from '../../src/http/openapi';
import { validateResponse } from '../support/contractResponses';
import type { AuditEntry } from '../../src/store/types';
import type { ApprovalRecord, HistoryEntry, ProviderRef } from '../../src/approvals/records';
import { APPROVAL_STATUSES, IN_FORCE_STATUSES } from '../../src/approvals/status';

const schemas = (openapiDocument().components as Record<string, Record<string, JsonObject>>).schemas;
const required = (name: string) => [...((schemas[name].required as string[]) ?? [])].sort();

const condition: Required<ConditionResult> = {
  fact: 'fteByProfession',
  path: '$.psykolog',
  params: { withinYears: 5 },
  operator: 'greaterThanInclusive',
  required: 1,
  actual: 0.5,
  unit: 'årsværk',
  outcome: 'not-met',
  explanation: 'Årsværk som psykolog er 0,5 årsværk (krav: mindst 1 årsværk) – ikke opfyldt.',
};

const requirement: Required<RequirementResult> = {
  id: 'AUT-RF-04',
  category: 'education',
  severity: 'required',
  title: 'Mindst 1,0 årsværk psykolog eller neuropsykolog',
  outcome: 'not-met',
  transitional: false,
  explanation: 'Ikke opfyldt.',
  conditions: [condition, { ...condition, path: undefined, params: undefined, actual: null, unit: null, outcome: 'missing' }].map((c) =>
    JSON.parse(JSON.stringify(c)),
  ),
};

const evaluatedProvider: Required<EvaluatedProvider> = {
  tilbudId: '408215',
  cvr: '29189846',
  name: 'Autismecentret Kildebakken',
  kommunekode: '751',
  municipality: 'Aarhus',
  region: 'Midtjylland',
  tilsyn: 'Midt',
  ownerType: 'kommunal',
};

const result: Required<EvaluationResult> = {
  speciale: 'autisme',
  level: 'raadgivningsfunktion',
  rulesetVersion: '1.0.0',
  rulesetHash: `sha256:${'a'.repeat(64)}`,
  evidenceHash: `sha256:${'b'.repeat(64)}`,
  engine: { name: 'json-rules-engine', version: '7.3.1' },
  semanticsVersion: 2,
  asOf: '2026-09-30',
  provider: evaluatedProvider,
  evidence: { reportingDate: '2026-09-23', ageMonths: 0, maxAgeMonths: 12, overdue: false },
  overall: 'not-eligible',
  approvable: false,
  blockers: [{ code: 'requirements-not-met', message: '1 påkrævet krav er ikke opfyldt: AUT-RF-04.' }],
  summary: 'Tilbuddet opfylder ikke 1 af 14 påkrævede krav.',
  unmetRequired: ['AUT-RF-04'],
  insufficientRequired: [],
  unmetAdvisory: [],
  transitional: [],
  requirements: [requirement],
};

const provider: Required<ProviderRef> = {
  tilbudId: '408215',
  cvr: '29189846',
  name: 'Autismecentret Kildebakken',
  kommunekode: '751',
  region: 'Midtjylland',
  tilsyn: 'Midt',
};

const history: Required<HistoryEntry> = {
  at: '2027-10-01T02:00:10.000Z',
  by: 'system:recheck',
  type: 'recheck',
  reason: 'Planlagt genvurdering',
  evaluationId: 'e-2',
  fromStatus: 'active',
  toStatus: 'at-risk',
  details: { trigger: 'schedule', unmetRequirements: ['AUT-SF-07'] },
};

const approval: Required<ApprovalRecord> = {
  id: 'a-1',
  speciale: 'autisme',
  level: 'raadgivningsfunktion',
  provider,
  tilsyn: 'Midt',
  decision: 'approved',
  status: 'at-risk',
  reason: 'Alle krav opfyldt',
  validFrom: '2026-10-01',
  validUntil: '2030-09-30',
  rulesetVersion: '1.0.0',
  rulesetHash: `sha256:${'a'.repeat(64)}`,
  evaluationId: 'e-1',
  nextDueDate: '2028-10-01',
  tender: 'SST-UDBUD-2026-014',
  flags: [{ code: 'specialfunktion-ended', at: '2027-11-02T08:00:00.000Z', approvalId: 'a-0', cause: 'revoked', endedOn: '2027-11-02' }],
  history: [history],
  version: 2,
  createdAt: '2026-10-01T08:00:00.000Z',
  createdBy: 'inspektoer@midt',
  updatedAt: '2027-10-01T02:00:10.000Z',
};

const audit: Required<AuditEntry> = {
  seq: 1,
  at: '2026-10-01T08:00:00.000Z',
  subject: 'inspektoer@midt',
  action: 'approval.approved',
  entityType: 'approval',
  entityId: 'a-1',
  summary: { speciale: 'autisme' },
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
};

describe('response schemas match the TypeScript types', () => {
  it('lists the approval statuses the domain defines, and the register those in force (src/approvals/status.ts)', () => {
    expect(schemas.ApprovalStatus.enum).toEqual([...APPROVAL_STATUSES]);
    expect(((schemas.RegisterEntry.properties as JsonObject).status as JsonObject).enum).toEqual([...IN_FORCE_STATUSES]);
  });

  it('Evaluation / EvaluationResult (src/evaluation/types.ts)', () => {
    const evaluation = {
      id: 'e-1',
      stored: true,
      speciale: 'autisme',
      level: 'raadgivningsfunktion',
      asOf: '2026-09-30',
      overall: 'not-eligible',
      rulesetVersion: '1.0.0',
      rulesetHash: result.rulesetHash,
      evidenceHash: result.evidenceHash,
      engineVersion: '7.3.1',
      semanticsVersion: 2,
      approvable: false,
      blockers: result.blockers,
      provider,
      createdAt: '2026-09-30T10:00:00.000Z',
      createdBy: 'inspektoer@midt',
      approvalId: 'a-1',
      result,
    };
    expect(validateResponse('get', '/v1/evaluations/{id}', 200, 'application/json', evaluation)).toEqual([]);
    expect(validateResponse('post', '/v1/evaluations', 200, 'application/json', { ...evaluation, id: null, stored: false })).toEqual([]);
    expect(required('EvaluationResult')).toEqual(Object.keys(result).sort());
    expect(required('RequirementResult')).toEqual(Object.keys(requirement).sort());
    expect(required('EvaluatedProvider')).toEqual(Object.keys(evaluatedProvider).sort());
    expect(required('ConditionResult')).toEqual(Object.keys(condition).filter((k) => k !== 'path' && k !== 'params').sort());
    expect(Object.keys(schemas.ConditionResult.properties as JsonObject).sort()).toEqual(Object.keys(condition).sort());
  });

  it('Approval / HistoryEntry / ProviderRef (src/store/types.ts)', () => {
    expect(validateResponse('get', '/v1/approvals/{id}', 200, 'application/json', approval)).toEqual([]);
    // Optional: the next re-check (only in force), the tender and flags (only a rådgivningsfunktion).
    expect(required('Approval')).toEqual(Object.keys(approval).filter((k) => !['nextDueDate', 'tender', 'flags'].includes(k)).sort());
    expect(Object.keys(schemas.Approval.properties as JsonObject).sort()).toEqual(Object.keys(approval).sort());
    expect(Object.keys(schemas.HistoryEntry.properties as JsonObject).sort()).toEqual(Object.keys(history).sort());
    expect(required('ProviderRef')).toEqual(Object.keys(provider).sort());
  });

  it('AuditEntry and the audit chain verification (src/store/types.ts)', () => {
    expect(validateResponse('get', '/v1/audit', 200, 'application/json', { items: [audit], nextAfterSeq: 1 })).toEqual([]);
    expect(required('AuditEntry')).toEqual(Object.keys(audit).sort());
    expect(validateResponse('get', '/v1/audit/verify', 200, 'application/json', { ok: true, entries: 0 })).toEqual([]);
    expect(validateResponse('get', '/v1/audit/verify', 200, 'application/json', { ok: false, firstBrokenSeq: 3, reason: 'hash' })).toEqual([]);
    expect(validateResponse('get', '/v1/audit/verify', 200, 'application/json', { ok: false, entries: 2 })).not.toEqual([]);
  });
});
