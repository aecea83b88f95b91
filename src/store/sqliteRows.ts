/**
 * Records as rows of the SQLite store's tables and back (see sqliteSchema.ts). A change is turned into
 * rows before its transaction starts, so the transaction does SQL only.
 */
import { createHash } from 'node:crypto';
import { approvalOf, assertChange, deepFreeze, providerOf, type InForce } from './common';
import { RecordDamagedError } from './errors';
import { parseStoredRecord } from './recordShape';
import type { StoredApproval, AuditEntry, AuditInput, Change, DocumentCollection, StoredEvaluation, StoredProvider } from './types';

export interface EvidenceRow {
  sha256: string;
  json: string;
}

export interface EvaluationRow {
  id: string;
  approvalId: string | null;
  tilbudId: string | null;
  speciale: string | null;
  /** The evidence's tilsyn; the store writes the register's instead when the provider is registered. */
  tilsyn: string | null;
  createdAt: string;
  /** The record without its evidence. */
  record: string;
  evidenceSha256: string | null;
}

export interface ApprovalRow {
  id: string;
  speciale: string;
  level: string;
  status: string;
  tilsyn: string | null;
  tilbudId: string;
  cvr: string | null;
  validUntil: string | null;
  createdAt: string;
  version: number;
  inForce: 1 | null;
  record: string;
}

export interface ProviderRow {
  tilbudId: string;
  tilsyn: string;
  kommunekode: string;
  createdAt: string;
  version: number;
  record: string;
}

export interface DocumentRow {
  collection: DocumentCollection;
  id: string;
  record: string;
}

/** A change as the rows it writes; the audit entry is built in the transaction, after the newest one. */
export interface PreparedChange {
  audit: AuditInput;
  evidence?: EvidenceRow;
  evaluation?: EvaluationRow;
  approval?: { insert: ApprovalRow } | { update: ApprovalRow; expectedVersion: number };
  documents: DocumentRow[];
  provider?: { insert: ProviderRow } | { update: ProviderRow; expectedVersion: number };
}

/**
 * The stored row of each piece of evidence the store gave out, by the frozen object it gave: a change that
 * stores that same object again (a re-check of unchanged evidence) points at that row, instead of
 * serialising and hashing 10–20 KB again. Frozen, the object cannot have changed since it was read.
 */
const evidenceRows = new WeakMap<object, EvidenceRow>();

function evidenceRowOf(evidence: unknown): EvidenceRow | undefined {
  if (evidence === undefined) return undefined;
  const stored = typeof evidence === 'object' && evidence !== null ? evidenceRows.get(evidence) : undefined;
  if (stored) return stored;
  const json = JSON.stringify(evidence);
  return json === undefined ? undefined : { sha256: createHash('sha256').update(json, 'utf8').digest('hex'), json };
}

export function prepareChange(change: Change, inForce: InForce): PreparedChange {
  assertChange(change);
  const prepared: PreparedChange = { audit: change.audit, documents: [] };
  if (change.evaluation) {
    const { evidence, ...rest } = change.evaluation;
    const row = evidenceRowOf(evidence);
    if (row) prepared.evidence = row;
    prepared.evaluation = {
      id: rest.id,
      approvalId: rest.approvalId ?? null,
      tilbudId: rest.provider?.tilbudId ?? null,
      speciale: rest.speciale ?? null,
      tilsyn: rest.provider?.tilsyn ?? null,
      createdAt: rest.createdAt,
      record: JSON.stringify(rest),
      evidenceSha256: prepared.evidence?.sha256 ?? null,
    };
  }
  const approval = approvalOf(change);
  if (approval && change.approval) {
    const row = approvalRow(approval, inForce);
    prepared.approval = 'insert' in change.approval ? { insert: row } : { update: row, expectedVersion: change.approval.expectedVersion };
  }
  for (const { collection, doc } of change.documents ?? []) prepared.documents.push({ collection, id: doc.id, record: JSON.stringify(doc) });
  const provider = providerOf(change);
  if (provider && change.provider) {
    const row = providerRow(provider);
    prepared.provider = 'insert' in change.provider ? { insert: row } : { update: row, expectedVersion: change.provider.expectedVersion };
  }
  return prepared;
}

export function providerRow(record: StoredProvider): ProviderRow {
  return {
    tilbudId: record.tilbudId,
    tilsyn: record.tilsyn,
    kommunekode: record.kommunekode,
    createdAt: record.createdAt,
    version: record.version,
    record: JSON.stringify(record),
  };
}

export function approvalRow(record: StoredApproval, inForce: InForce): ApprovalRow {
  return {
    id: record.id,
    speciale: record.speciale,
    level: record.level,
    status: record.status,
    tilsyn: record.tilsyn ?? null,
    tilbudId: record.provider?.tilbudId,
    cvr: record.provider?.cvr ?? null,
    validUntil: record.validUntil ?? null,
    createdAt: record.createdAt,
    version: record.version,
    inForce: inForce(record.status) ? 1 : null,
    record: JSON.stringify(record),
  };
}

/** An evaluation read back: a fresh record, its evidence (when it has any) frozen. */
export function evaluationFrom<E extends StoredEvaluation = StoredEvaluation>(row: { id: string; record: string; evidence: string | null; evidenceSha256: string | null }): E {
  const record = parseStoredRecord<E>('evaluations', row.id, row.record);
  if (row.evidence !== null) record.evidence = evidenceFrom(row.evidence, row.id, row.evidenceSha256) as E['evidence'];
  return record;
}

/** The evidence of evaluation `evaluationId` from its row (JSON text and key), frozen. */
export function evidenceFrom(json: string | null, evaluationId: string, sha256: string | null): unknown {
  if (json === null) return undefined;
  let evidence: unknown;
  try {
    evidence = deepFreeze(JSON.parse(json));
  } catch {
    throw new RecordDamagedError('evidence', evaluationId, 'its JSON does not parse');
  }
  if (sha256 !== null && typeof evidence === 'object' && evidence !== null) evidenceRows.set(evidence, { sha256, json });
  return evidence;
}

export interface AuditRow {
  seq: number;
  hash: string;
  /** The entry's other fields. */
  entry: string;
}

export function auditRow(entry: AuditEntry): AuditRow {
  const { seq, hash, ...rest } = entry;
  return { seq, hash, entry: JSON.stringify(rest) };
}

export function auditEntryFrom(row: AuditRow): AuditEntry {
  // The columns are the entry's seq and hash, whatever the JSON beside them says.
  return { ...parseStoredRecord<Omit<AuditEntry, 'seq' | 'hash'>>('audit', String(row.seq), row.entry), seq: row.seq, hash: row.hash };
}
