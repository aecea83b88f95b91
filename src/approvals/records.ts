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
  /**
   * The evaluator's semantics (EVALUATOR_SEMANTICS_VERSION, src/evaluation/semantics.ts) it was made under;
   * absent on evaluations stored before it was recorded, which were made under version 1.
   */
  semanticsVersion?: number;
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

/**
 * The record of an evaluation as stored: what its result says of itself (speciale, level, date, rule set
 * version and hash, evidence hash, engine and semantics, outcome) beside who made it, when, on what.
 */
export function evaluationRecord(
  result: EvaluationResult,
  made: { id: string; provider: ProviderRef; evidence: Evidence; createdAt: string; createdBy: string },
): EvaluationRecord {
  return {
    id: made.id,
    speciale: result.speciale,
    level: result.level,
    rulesetVersion: result.rulesetVersion,
    rulesetHash: result.rulesetHash,
    evidenceHash: result.evidenceHash,
    engineVersion: result.engine.version,
    semanticsVersion: result.semanticsVersion,
    asOf: result.asOf,
    overall: result.overall,
    provider: made.provider,
    evidence: made.evidence,
    result,
    createdAt: made.createdAt,
    createdBy: made.createdBy,
  };
}

export interface HistoryEntry {
  at: string;
  by: string;
  /** `assignment`: Socialstyrelsen assigned a rådgivningsfunktion; `flag`: a matter was flagged for its attention (see ApprovalFlag). */
  type: 'decision' | 'assignment' | 'evaluation' | 'status-change' | 'renewal' | 'revocation' | 'recheck' | 'capacity-change' | 'evidence' | 'flag';
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
  /** A rådgivningsfunktion: the tender (udbud) after which Socialstyrelsen assigned (or last renewed) it. */
  tender?: string;
  /** Matters flagged for the decision-maker's attention, e.g. a rådgivningsfunktion whose specialfunktion has ended. */
  flags?: ApprovalFlag[];
  history: HistoryEntry[];
  /** Optimistic concurrency: 1 on insert, +1 on every committed update. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/**
 * A rådgivningsfunktion rests on a specialfunktion in force for the same provider and speciale. When that one
 * is revoked or expires, the rådgivningsfunktion is not ended: it is flagged for Socialstyrelsen, which decides.
 */
export interface ApprovalFlag {
  code: 'specialfunktion-ended';
  /** ISO datetime the flag was raised. */
  at: string;
  /** The specialfunktion approval that ended. */
  approvalId: string;
  cause: 'revoked' | 'expired';
  /** YYYY-MM-DD: the day of the revocation, or the day after the period ended. */
  endedOn: string;
}

/** Where a provider is: its municipality, and the region and socialtilsyn that follow from it. */
export interface ProviderLocation {
  kommunekode: string;
  region: string;
  tilsyn: Tilsyn;
}

/** A provider moved to another municipality (by an admin) or tilsyn (a reassignment run after the geography data changed). */
export interface ProviderMove {
  at: string;
  by: string;
  trigger: 'admin' | 'reassignment';
  reason: string;
  from: ProviderLocation;
  to: ProviderLocation;
  /** The provider's approvals that moved with it. */
  approvalIds: string[];
}

/**
 * The provider register, keyed by Tilbudsportalen's tilbudId: who the provider is (CVR, name) and where
 * (municipality, and so region and socialtilsyn). Registered with the provider's first stored evaluation;
 * evidence naming another CVR or municipality for it is refused, and only an admin moves it. Access to the
 * provider's approvals and evaluations goes by its tilsyn here, not by what a piece of evidence says.
 */
export interface ProviderRecord extends ProviderLocation {
  tilbudId: string;
  cvr: string;
  name: string;
  /** ISO datetime it was registered, and by whom. */
  createdAt: string;
  createdBy: string;
  /** The evaluation it was registered with. */
  evaluationId: string;
  updatedAt: string;
  /** Optimistic concurrency: 1 on insert, +1 on every committed update. */
  version: number;
  /** Oldest first. */
  moves: ProviderMove[];
}

/** The records this domain keeps. */
export interface DomainRecords {
  approval: ApprovalRecord;
  evaluation: EvaluationRecord;
  provider: ProviderRecord;
}

/** The store as the domain uses it. */
export type RecordStore = Store<DomainRecords>;
export type RecordChange = Change<DomainRecords>;

/** The store for this configuration, keeping this domain's records, told which statuses are in force. */
export function createRecordStore(config: Omit<StoreConfig, 'inForceStatuses'>): RecordStore {
  return createStore<DomainRecords>({ ...config, inForceStatuses: IN_FORCE_STATUSES });
}
