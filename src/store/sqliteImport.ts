/**
 * A whole record written into an empty SQLite store at once (`npm run import-nedb`): every row in one
 * IMMEDIATE transaction, the audit entries exactly as given (seq, prevHash and hash kept, so the chain and
 * its hashes are unchanged) and audit_head set to the last of them. The rows are built by the same
 * functions commits use (sqliteRows.ts). Leases are operational, not part of a record: not imported.
 */
import type { InForce } from './common';
import type Database from 'better-sqlite3';
import { verifyChain } from './auditChain';
import { approvalRow, auditRow, prepareChange, type ApprovalRow, type AuditRow, type DocumentRow, type EvaluationRow, type EvidenceRow } from './sqliteRows';
import type { StoredApproval, AuditEntry, AuditInput, DocumentCollection, StoredEvaluation, StoredDocument } from './types';

export interface ImportedRecords {
  evaluations: StoredEvaluation[];
  approvals: StoredApproval[];
  /** In seq order, a chain that verifies from entry 1. */
  audit: AuditEntry[];
  documents: { collection: DocumentCollection; doc: StoredDocument }[];
}

/** The import was refused and nothing was written. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';

  constructor(
    /** not-empty: the store holds a record; broken-chain: the entries do not verify; conflict: a row cannot be stored. */
    readonly code: 'not-empty' | 'broken-chain' | 'conflict',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ImportRows {
  evidence: EvidenceRow[];
  evaluations: EvaluationRow[];
  approvals: ApprovalRow[];
  audit: AuditRow[];
  documents: DocumentRow[];
  head: { seq: number; hash: string } | null;
}

/** Tables whose rows make a record; leases are left out (a lease taken on an empty store is no record). */
const RECORD_TABLES = ['evaluations', 'approvals', 'providers', 'audit', 'audit_head', 'documents'] as const;

/** prepareChange builds an evaluation's and a document's rows from a change, which needs an entry: this one is not written. */
const UNUSED_ENTRY: AuditInput = { at: '', subject: '', action: '', entityType: '', entityId: '', summary: {} };

/** The rows to write, after checking that the entries form a chain from entry 1 that ends at the last of them. */
export async function importRows(records: ImportedRecords, inForce: InForce): Promise<ImportRows> {
  const last = records.audit[records.audit.length - 1];
  const head = last ? { seq: last.seq, hash: last.hash } : null;
  const chain = await verifyChain(records.audit, head);
  if (!chain.ok) throw new ImportRefusedError('broken-chain', `The audit entries do not verify at entry ${chain.firstBrokenSeq}: ${chain.reason}. Nothing was written.`);
  const evidence = new Map<string, EvidenceRow>();
  const evaluations = records.evaluations.map((record) => {
    const prepared = prepareChange({ audit: UNUSED_ENTRY, evaluation: record }, inForce);
    if (prepared.evidence) evidence.set(prepared.evidence.sha256, prepared.evidence);
    return prepared.evaluation as EvaluationRow;
  });
  const documents = records.documents.flatMap(({ collection, doc }) => prepareChange({ audit: UNUSED_ENTRY, documents: [{ collection, doc }] }, inForce).documents);
  return { evidence: [...evidence.values()], evaluations, approvals: records.approvals.map((a) => approvalRow(a, inForce)), audit: records.audit.map(auditRow), documents, head };
}

/** Writes the rows in one IMMEDIATE transaction; refuses (writing nothing) a store that holds a record. */
export function writeImport(db: Database.Database, rows: ImportRows): void {
  const sql = {
    evidence: db.prepare('INSERT OR IGNORE INTO evidence (sha256, json) VALUES (@sha256, @json)'),
    // The register is empty in an empty store: each evaluation is listed under its evidence's tilsyn.
    evaluation: db.prepare(
      `INSERT INTO evaluations (id, approval_id, tilbud_id, speciale, tilsyn, created_at, evidence_sha256, record)
       VALUES (@id, @approvalId, @tilbudId, @speciale, @tilsyn, @createdAt, @evidenceSha256, @record)`,
    ),
    approval: db.prepare(
      `INSERT INTO approvals (id, speciale, level, status, tilsyn, tilbud_id, cvr, valid_until, created_at, version, in_force, record)
       VALUES (@id, @speciale, @level, @status, @tilsyn, @tilbudId, @cvr, @validUntil, @createdAt, @version, @inForce, @record)`,
    ),
    inForce: db.prepare<[string, string, string], { id: string }>('SELECT id FROM approvals WHERE tilbud_id = ? AND speciale = ? AND level = ? AND in_force = 1'),
    document: db.prepare('INSERT INTO documents (collection, id, record) VALUES (@collection, @id, @record)'),
    audit: db.prepare('INSERT INTO audit (seq, hash, entry) VALUES (@seq, @hash, @entry)'),
    head: db.prepare('INSERT INTO audit_head (one, seq, hash) VALUES (1, @seq, @hash)'),
  };
  db.transaction(() => {
    const holding = tablesHoldingRecords(db);
    if (holding.length > 0) throw new ImportRefusedError('not-empty', `The store already holds a record (rows in ${holding.join(', ')}): a record is imported once, into an empty store. Nothing was written.`);
    for (const row of rows.evidence) sql.evidence.run(row);
    for (const row of rows.evaluations) refuseOnConstraint(() => sql.evaluation.run(row), () => `evaluation ${row.id} appears twice`);
    for (const row of rows.approvals) {
      refuseOnConstraint(
        () => sql.approval.run(row),
        (code) => {
          if (code !== 'SQLITE_CONSTRAINT_UNIQUE') return `approval ${row.id} appears twice`;
          const first = sql.inForce.get(row.tilbudId, row.speciale, row.level);
          return `approval ${row.id} would be a second approval in force for provider ${row.tilbudId}, ${row.speciale}, ${row.level} (approval ${first?.id ?? '?'} is): end one of them (revoke it) in the old store first`;
        },
      );
    }
    for (const row of rows.documents) refuseOnConstraint(() => sql.document.run(row), () => `document ${row.id} appears twice in ${row.collection}`);
    for (const row of rows.audit) sql.audit.run(row);
    if (rows.head) sql.head.run(rows.head);
  }).immediate();
}

/** The tables of the record that hold rows (none in an empty store). */
export function tablesHoldingRecords(db: Database.Database): string[] {
  return RECORD_TABLES.filter((table) => (db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`).get() as { any: number }).any === 1);
}

function refuseOnConstraint(write: () => unknown, why: (code: string) => string): void {
  try {
    write();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) throw new ImportRefusedError('conflict', `Cannot import: ${why(code)}. Nothing was written.`, { cause: error });
    throw error;
  }
}
