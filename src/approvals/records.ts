/**
 * The records of the approval domain, as the store keeps them: evaluations and approvals with their
 * history. The store is generic over them (src/store/types.ts) and never looks inside more than it needs
 * to find and constrain them.
 */
import type { EvaluationResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import type { Tilsyn } from '../geography';
import type { Level } from '../rules/types';
import { createStore, type StoreConfig } from '../store';
import type { Change, Store } from '../store/types';
import { IN_FORCE_STATUSES, type ApprovalStatus } from './status';

export interface ProviderRef {
  tilbudId: string;
  cvr: string;
  name: string;
  kommunekode: string;
  region: string;
  tilsyn: Tilsyn;
}

export interface EvaluationRecord {
  id: string;
  speciale: string;
  level: Level;
  rulesetVersion: string;
  rulesetHash: string;
  evidenceHash: string;
  engineVersion: string;
  /** YYYY-MM-DD */
  asOf: string;
  overall: EvaluationResult['overall'];
  provider: ProviderRef;
  /**
   * The evidence as received, kept so the evaluation can be re-run and explained later. Read-only once
   * read back: both stores hand it out frozen.
   */
  evidence: Evidence;
  /** The full explained evaluation. */
  result: EvaluationResult;
  /** ISO datetime */
  createdAt: string;
  /** Subject of the user or job that created it. */
  createdBy: string;
  approvalId?: string;
  trigger?: string;
}

export interface HistoryEntry {
  at: string;
  by: string;
  type: 'decision' | 'evaluation' | 'status-change' | 'renewal' | 'revocation' | 'recheck' | 'capacity-change' | 'evidence';
  reason?: string;
  evaluationId?: string;
  fromStatus?: ApprovalStatus;
  toStatus?: ApprovalStatus;
  details?: Record<string, unknown>;
}

export interface ApprovalRecord {
  id: string;
  speciale: string;
  level: Level;
  provider: ProviderRef;
  /** Copy of provider.tilsyn, kept at the top level for filtering. */
  tilsyn: Tilsyn;
  decision: 'approved' | 'rejected';
  status: ApprovalStatus;
  reason: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD */
  validUntil: string;
  rulesetVersion: string;
  rulesetHash: string;
  evaluationId: string;
  nextDueDate?: string;
  history: HistoryEntry[];
  /** Optimistic concurrency: 1 on insert, +1 on every committed update. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** The records this domain keeps. */
export interface DomainRecords {
  approval: ApprovalRecord;
  evaluation: EvaluationRecord;
}

/** The store as the domain uses it. */
export type RecordStore = Store<DomainRecords>;
export type RecordChange = Change<DomainRecords>;

/** The store for this configuration, keeping this domain's records, told which statuses are in force. */
export function createRecordStore(config: Omit<StoreConfig, 'inForceStatuses'>): RecordStore {
  return createStore<DomainRecords>({ ...config, inForceStatuses: IN_FORCE_STATUSES });
}
