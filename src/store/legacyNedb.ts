/**
 * Reading a data directory of the earlier embedded store (@seald-io/nedb, removed when the store moved
 * to SQLite), for `npm run import-nedb`. Its format:
 *
 * - `<collection>.db` per collection: nedb datafiles, JSON lines of envelopes (a later line with the same
 *   `_id` replaces an earlier one; `$$deleted` lines remove it). An envelope holds the fields that were
 *   queried and `doc`, the record as a JSON string: approvals, audit entries (`_id` `seq-<n>`), the
 *   documents of recheckRuns, capacityChanges and rechecks.
 * - evaluations: the envelope holds `body` (and `evidence`), each a slot `{ offset, length }` in bytes
 *   of a line of `evaluation-bodies.jsonl`: the record without its evidence, and the evidence (shared by
 *   the evaluations of re-checks that re-used it). Directories written before that hold `doc` inline.
 * - leases.db: batch leases, not part of the record (counted, not read).
 *
 * The old files are never written: nedb compacts a datafile when it loads it (rewrites it from memory),
 * so each one is copied to a private temporary directory and loaded from there. Any line nedb cannot
 * parse fails the read (corruptAlertThreshold 0; nedb's default silently drops up to 10 %).
 */
import { closeSync, copyFileSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import { DOCUMENT_COLLECTIONS } from './common';
import { LEGACY_FILE_NAMES } from './sqliteDatabase';
import type { ImportedRecords } from './sqliteImport';
import type { StoredApproval, AuditEntry, StoredEvaluation } from './types';

export const BODIES_FILE = 'evaluation-bodies.jsonl';

/** The old directory cannot be read as a whole: a file is missing, unreadable or holds a line that does not parse. */
export class LegacyReadError extends Error {
  override readonly name = 'LegacyReadError';
}

export interface LegacyStore extends ImportedRecords {
  /** Leases in leases.db (not imported). */
  leases: number;
}

type Envelope = Record<string, unknown>;
interface Slot {
  offset: number;
  length: number;
}

/** Everything in the old directory `dir`, audit entries in seq order. Writes nothing there. */
export async function readLegacyStore(dir: string): Promise<LegacyStore> {
  if (!LEGACY_FILE_NAMES.some((name) => existsSync(path.join(dir, name)))) {
    throw new LegacyReadError(`${dir} holds no nedb store (none of ${LEGACY_FILE_NAMES.join(', ')})`);
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'sf-import-nedb-'));
  try {
    const load = (collection: string) => loadCollection(dir, scratch, collection);
    const audit = (await load('audit')).map((row) => parsed<AuditEntry>(row, 'audit')).sort((a, b) => a.seq - b.seq);
    const approvals = (await load('approvals')).map((row) => parsed<StoredApproval>(row, 'approvals'));
    const documents: LegacyStore['documents'] = [];
    for (const collection of DOCUMENT_COLLECTIONS) {
      for (const row of await load(collection)) documents.push({ collection, doc: parsed(row, collection) });
    }
    const evaluations = readEvaluations(dir, await load('evaluations'));
    const leases = (await load('leases')).length;
    return { evaluations, approvals, audit, documents, leases };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The documents of `<collection>.db` (none when there is no such file), loaded from a copy. */
async function loadCollection(dir: string, scratch: string, collection: string): Promise<Envelope[]> {
  const original = path.join(dir, `${collection}.db`);
  const copy = path.join(scratch, `${collection}.db`);
  try {
    // nedb falls back to `<file>~` (its compaction's temporary file) when the datafile itself is missing.
    for (const suffix of ['', '~']) if (existsSync(original + suffix)) copyFileSync(original + suffix, copy + suffix);
    const db = new Datastore<Envelope>({ filename: copy, corruptAlertThreshold: 0 });
    await db.loadDatabaseAsync();
    return db.getAllData();
  } catch (error) {
    const line = existsSync(copy) ? firstBadLine(copy) : undefined;
    const where = line === undefined ? original : `${original} line ${line}`;
    throw new LegacyReadError(`Cannot read ${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** The number of the first non-empty line that is not JSON, as nedb counts lines. */
function firstBadLine(file: string): number | undefined {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    try {
      JSON.parse(lines[i]);
    } catch {
      return i + 1;
    }
  }
  return undefined;
}

function parsed<T>(row: Envelope, collection: string): T {
  if (typeof row.doc !== 'string') throw new LegacyReadError(`${collection}: document ${String(row._id)} has no record (doc)`);
  try {
    return JSON.parse(row.doc) as T;
  } catch (error) {
    throw new LegacyReadError(`${collection}: the record of document ${String(row._id)} is not JSON: ${(error as Error).message}`);
  }
}

/** Evaluation records: inline (`doc`), or from the bodies file by their slots. */
function readEvaluations(dir: string, rows: Envelope[]): StoredEvaluation[] {
  const bodiesFile = path.join(dir, BODIES_FILE);
  let fd: number | undefined;
  let size = 0;
  /** Evidence shared by several records is parsed once (and so held once). */
  const evidenceAt = new Map<number, unknown>();
  const read = (slot: unknown, what: string): string => {
    if (!isSlot(slot)) throw new LegacyReadError(`evaluations: ${what} has no valid slot in ${BODIES_FILE}`);
    if (fd === undefined) {
      try {
        fd = openSync(bodiesFile, 'r');
        size = fstatSync(fd).size;
      } catch (error) {
        throw new LegacyReadError(`Cannot read ${bodiesFile}: ${(error as Error).message}`, { cause: error });
      }
    }
    if (slot.offset + slot.length > size) throw new LegacyReadError(`${bodiesFile} ends before ${what} (bytes ${slot.offset}–${slot.offset + slot.length})`);
    const buffer = Buffer.alloc(slot.length);
    readSync(fd, buffer, 0, slot.length, slot.offset);
    return buffer.toString('utf8');
  };
  const json = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new LegacyReadError(`${bodiesFile}: ${what} is not JSON: ${(error as Error).message}`);
    }
  };
  try {
    return rows.map((row) => {
      if (typeof row.doc === 'string') return parsed<StoredEvaluation>(row, 'evaluations');
      const id = String(row.id);
      const record = json(read(row.body, `the record of evaluation ${id}`), `the record of evaluation ${id}`) as StoredEvaluation;
      if (record?.id !== id) throw new LegacyReadError(`${bodiesFile} does not hold evaluation ${id} where its index points`);
      if (row.evidence !== undefined) {
        const slot = row.evidence;
        if (!isSlot(slot)) throw new LegacyReadError(`evaluations: the evidence of evaluation ${id} has no valid slot in ${BODIES_FILE}`);
        if (!evidenceAt.has(slot.offset)) evidenceAt.set(slot.offset, json(read(slot, `the evidence of evaluation ${id}`), `the evidence of evaluation ${id}`));
        record.evidence = evidenceAt.get(slot.offset);
      }
      return record;
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isSlot(value: unknown): value is Slot {
  const slot = value as Slot | null;
  return typeof slot === 'object' && slot !== null && Number.isSafeInteger(slot.offset) && Number.isSafeInteger(slot.length) && slot.offset >= 0 && slot.length >= 0;
}
