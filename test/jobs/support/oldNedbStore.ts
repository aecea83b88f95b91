/**
 * Data directories of the earlier nedb store, written line for line as it wrote them (see
 * `git show 53b6efc:src/store/embedded.ts`): nedb datafiles of envelopes whose `doc` is the record as a
 * JSON string, nedb's `$$indexCreated` lines, an update appended as a second line with the same `_id`,
 * and evaluation records in evaluation-bodies.jsonl at byte slots (evidence shared by a re-check), or
 * inline in older directories.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { approvalState } from '../../../src/approvals/fold';
import { nextAuditEntry } from '../../../src/store/auditChain';
import { type AuditEntry, type AuditInput, type DocumentCollection, type StoredDocument } from '../../../src/store/types';
import type { ApprovalRecord } from '../../../src/approvals/records';
import { IN_FORCE_STATUSES, isInForce } from '../../../src/approvals/status';
import { approval, evaluation, provider, type EvaluationRecord } from '../../store/support/fixtures';

export interface OldRecord {
  evaluations: EvaluationRecord[];
  /** Evaluations written inline (`doc`), as directories from before the bodies file hold them. */
  inline: Set<string>;
  /** Each approval as it was stored over time; the last is the current one. */
  approvals: ApprovalRecord[][];
  audit: AuditEntry[];
  documents: { collection: DocumentCollection; doc: StoredDocument }[];
  leases: { name: string; holder: string; expiresAt: string }[];
  /** Approvals in force stored without the one-in-force key (before the rule; the store left a second one so). */
  unkeyed?: Set<string>;
}

const at = (month: number) => `2025-${String(month).padStart(2, '0')}-01T10:00:00.000Z`;

/** A small record with every kind of row, whose approvals agree with its entries. */
export function oldRecord(): OldRecord {
  const shared = { staff: [{ ref: 'Ø-1', fte: 1, educations: ['pædagog'] }], note: 'Åbakken – “særlige” tegn 😀' };
  const revokedOne = approval({ createdAt: at(1), updatedAt: at(1) });
  const first = evaluation({ id: revokedOne.evaluationId, approvalId: revokedOne.id, createdAt: at(1), evidence: shared });
  const recheck = evaluation({ approvalId: revokedOne.id, createdAt: at(2), evidence: shared, trigger: 'recheck' });
  const older = evaluation({ createdAt: at(3), evidence: { staff: [] } });
  const noEvidence = evaluation({ createdAt: at(3) });
  delete (noEvidence as Partial<EvaluationRecord>).evidence;
  const revoked: ApprovalRecord = {
    ...revokedOne,
    status: 'revoked',
    version: 2,
    updatedAt: at(4),
    history: [...revokedOne.history, { at: at(4), by: 'admin', type: 'revocation', reason: 'Tilbuddet er lukket', fromStatus: 'active', toStatus: 'revoked' }],
  };
  const active = approval({ createdAt: at(5), updatedAt: at(5), provider: provider({ tilbudId: '2002', tilsyn: 'Nord' }), tilsyn: 'Nord' });

  const inputs: AuditInput[] = [
    entry('evaluation.created', 'evaluation', first.id, { overall: 'eligible' }, 1),
    // Entries of the earlier store carry the approval's state only from a later version on, and less before.
    entry('approval.approved', 'approval', revokedOne.id, { evaluationId: first.id, state: approvalState(revokedOne) }, 1),
    entry('evaluation.created', 'evaluation', recheck.id, { trigger: 'recheck' }, 2),
    entry('evaluation.created', 'evaluation', older.id, {}, 3),
    entry('evaluation.created', 'evaluation', noEvidence.id, {}, 3),
    entry('approval.revoked', 'approval', revoked.id, { reason: 'Tilbuddet er lukket' }, 4),
    entry('approval.approved', 'approval', active.id, { validFrom: active.validFrom, validUntil: active.validUntil, rulesetVersion: active.rulesetVersion }, 5),
    entry('capacity.changed', 'provider', '2002', { places: 30 }, 6),
  ];
  return {
    evaluations: [first, recheck, older, noEvidence],
    inline: new Set([older.id]),
    approvals: [[revokedOne, revoked], [active]],
    audit: chain(inputs),
    documents: [
      { collection: 'recheckRuns', doc: { id: 'run-1', status: 'finished', asOf: '2025-06-01', counts: { compliant: 2 } } },
      { collection: 'capacityChanges', doc: { id: 'cap-1', tilbudId: '2002', places: 30, at: at(6) } },
      { collection: 'rechecks', doc: { id: `${revokedOne.id}:2025-02-01`, approvalId: revokedOne.id, done: true } },
    ],
    leases: [{ name: 'recheck-batch', holder: 'host:123', expiresAt: '2999-01-01T00:00:00.000Z' }],
  };
}

function entry(action: string, entityType: string, entityId: string, summary: Record<string, unknown>, month: number): AuditInput {
  return { at: at(month), subject: 'inspektoer@midt', action, entityType, entityId, summary };
}

/** The entries, hash-chained as the store chained them. */
export function chain(inputs: AuditInput[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const input of inputs) entries.push(nextAuditEntry(input, entries[entries.length - 1] ?? null));
  return entries;
}

/** Writes the record into `dir` as the nedb store's files. */
export function writeOldStore(dir: string, record: OldRecord): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lines = (rows: object[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const index = (fieldName: string, extra: object = {}) => ({ $$indexCreated: { fieldName, unique: true, ...extra } });
  const write = (name: string, rows: object[]) => writeFileSync(path.join(dir, name), lines(rows), { mode: 0o600 });

  // evaluation-bodies.jsonl: the evidence, then the record without it; a re-check's evidence is the line already there.
  let bodies = Buffer.alloc(0);
  const append = (text: string) => {
    const slot = { offset: bodies.length, length: Buffer.byteLength(text, 'utf8') };
    bodies = Buffer.concat([bodies, Buffer.from(`${text}\n`, 'utf8')]);
    return slot;
  };
  const evidenceSlots = new Map<unknown, { offset: number; length: number }>();
  const evaluationRows = record.evaluations.map((e) => {
    const head = { id: e.id, ...(e.approvalId !== undefined ? { approvalId: e.approvalId } : {}), createdAt: e.createdAt, _id: e.id };
    if (record.inline.has(e.id)) return { ...head, doc: JSON.stringify(e) };
    const { evidence, ...rest } = e;
    let evidenceSlot = evidence === undefined ? undefined : evidenceSlots.get(evidence);
    if (evidence !== undefined && !evidenceSlot) {
      evidenceSlot = append(JSON.stringify(evidence));
      evidenceSlots.set(evidence, evidenceSlot);
    }
    return { ...head, body: append(JSON.stringify(rest)), ...(evidenceSlot ? { evidence: evidenceSlot } : {}) };
  });
  writeFileSync(path.join(dir, 'evaluation-bodies.jsonl'), bodies, { mode: 0o600 });
  write('evaluations.db', [index('id'), { $$indexCreated: { fieldName: 'approvalId', sparse: true } }, ...evaluationRows]);
  write('approvals.db', [index('id'), index('liveKey', { sparse: true }), ...record.approvals.flat().map((a) => approvalEnvelope(a, !record.unkeyed?.has(a.id)))]);
  write('audit.db', [index('seq'), ...record.audit.map((e) => ({ seq: e.seq, doc: JSON.stringify(e), _id: `seq-${e.seq}` }))]);
  write('leases.db', [index('name'), ...record.leases.map((l) => ({ ...l, _id: l.name }))]);
  for (const collection of ['recheckRuns', 'capacityChanges', 'rechecks'] as const) {
    const docs = record.documents.filter((d) => d.collection === collection).map((d) => d.doc);
    write(`${collection}.db`, [index('id'), ...docs.map((doc) => ({ id: doc.id, fields: scalarFields(doc), doc: JSON.stringify(doc), _id: doc.id }))]);
  }
}

function approvalEnvelope(record: ApprovalRecord, keyed: boolean): object {
  return {
    id: record.id,
    speciale: record.speciale,
    level: record.level,
    status: record.status,
    tilsyn: record.tilsyn,
    tilbudId: record.provider.tilbudId,
    cvr: record.provider.cvr,
    validUntil: record.validUntil,
    createdAt: record.createdAt,
    version: record.version,
    ...(keyed && isInForce(record.status) ? { liveKey: JSON.stringify([record.provider.tilbudId, record.speciale, record.level]) } : {}),
    doc: JSON.stringify(record),
    _id: record.id,
  };
}

function scalarFields(doc: StoredDocument): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) as Record<string, string | number | boolean>;
}
