import { randomUUID } from 'node:crypto';
import type { ApprovalRecord, EvaluationRecord as DomainEvaluation, ProviderRecord, ProviderRef } from '../../../src/approvals/records';
import { IN_FORCE_STATUSES } from '../../../src/approvals/status';
import type { Change, Store, StoreOptions } from '../../../src/store/types';

/**
 * The records the store contract writes: the domain's approvals, and evaluations whose evidence and result
 * are free-form JSON (the store never looks inside them, and the contract checks it gives them back exactly).
 */
export type EvaluationRecord = Omit<DomainEvaluation, 'evidence' | 'result'> & { evidence: unknown; result: unknown };
export interface ContractRecords {
  approval: ApprovalRecord;
  evaluation: EvaluationRecord;
  provider: ProviderRecord;
}
export type ContractStore = Store<ContractRecords>;
export type ContractChange = Change<ContractRecords>;
/** The stores are told which statuses are in force, as the service tells them. */
export const STORE_OPTIONS: StoreOptions = { inForceStatuses: IN_FORCE_STATUSES };

export function provider(overrides: Partial<ProviderRef> = {}): ProviderRef {
  return {
    tilbudId: '1001',
    cvr: '12345678',
    name: 'Bostedet Åbakken',
    kommunekode: '0751',
    region: 'Midtjylland',
    tilsyn: 'Midt',
    ...overrides,
  };
}

/** Each approval gets its own provider unless told otherwise: a provider has one approval in force per speciale and level. */
export function approval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  const p = overrides.provider ?? provider({ tilbudId: randomUUID() });
  const createdAt = overrides.createdAt ?? '2026-03-01T10:00:00.000Z';
  return {
    id: randomUUID(),
    speciale: 'autisme',
    level: 'specialfunktion',
    provider: p,
    tilsyn: p.tilsyn,
    decision: 'approved',
    status: 'active',
    reason: 'Opfylder kriterierne',
    validFrom: '2026-03-01',
    validUntil: '2030-02-28',
    rulesetVersion: '1.0.0',
    rulesetHash: `sha256:${'a'.repeat(64)}`,
    evaluationId: randomUUID(),
    nextDueDate: '2027-03-01',
    history: [{ at: createdAt, by: 'inspektoer@midt', type: 'decision', reason: 'Opfylder kriterierne', toStatus: 'active' }],
    version: 1,
    createdAt,
    createdBy: 'inspektoer@midt',
    updatedAt: createdAt,
    ...overrides,
  };
}

export function evaluation(overrides: Partial<EvaluationRecord> = {}): EvaluationRecord {
  return {
    id: randomUUID(),
    speciale: 'autisme',
    level: 'specialfunktion',
    rulesetVersion: '1.0.0',
    rulesetHash: `sha256:${'a'.repeat(64)}`,
    evidenceHash: `sha256:${'b'.repeat(64)}`,
    engineVersion: '0.1.0',
    asOf: '2026-03-01',
    overall: 'eligible',
    provider: provider(),
    evidence: { staff: [{ ref: 'S1', fte: 0.8, educations: ['autismespecialist'] }], citizenCourses: [{ period: '2025', count: 14 }] },
    result: { overall: 'eligible', requirements: [{ id: 'R1', outcome: 'met', actual: 14, required: 10 }] },
    createdAt: '2026-03-01T10:00:00.000Z',
    createdBy: 'inspektoer@midt',
    ...overrides,
  };
}

/** A provider in the register, as registered with an evaluation. */
export function registered(overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  const createdAt = overrides.createdAt ?? '2026-03-01T10:00:00.000Z';
  return {
    tilbudId: randomUUID(),
    cvr: '12345678',
    name: 'Bostedet Åbakken',
    kommunekode: '751',
    region: 'Midtjylland',
    tilsyn: 'Midt',
    createdAt,
    createdBy: 'inspektoer@midt',
    evaluationId: randomUUID(),
    updatedAt: createdAt,
    version: 1,
    moves: [],
    ...overrides,
  };
}
