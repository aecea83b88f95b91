import { chmodSync, chownSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { LegacyStoreError, StoreIntegrityError, StoreUnavailableError } from '../../src/store/errors';
import { SqliteStore } from '../../src/store/sqlite';
import { storeError } from '../../src/store/sqliteErrors';
import type { SqliteWriter } from '../../src/store/sqliteWriter';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqliteSchema';
import type { AuditInput, EvaluationFilter } from '../../src/store/types';
import { storeContract } from './contract';
import { approval, evaluation, provider, STORE_OPTIONS, type ContractRecords, type ContractStore } from './support/fixtures';
import { DB_FILE, openStore, sqliteHarness, sqliteHarnessCommittingOnCallersThread, tempDir, withDatabase } from './support/sqliteHarness';
import { startWriter } from './support/writerProcess';

storeContract('SqliteStore', sqliteHarness);
storeContract('SqliteStore committing on the caller\'s thread (the jobs)', sqliteHarnessCommittingOnCallersThread);

const entry = (i: number | string, entityId = `e-${i}`): AuditInput => ({ at: '2026-03-01T10:00:00.000Z', subject: 's', action: 'test', entityType: 'approval', entityId, summary: { i } });

describe('SqliteStore on disk', () => {
  let dir: string;
  let dataDir: string;
  const stores: ContractStore[] = [];
  const track = <T extends ContractStore>(s: T): T => {
    stores.push(s);
    return s;
  };
  const dbFile = () => path.join(dataDir, DB_FILE);

  beforeEach(() => {
    dir = tempDir();
    dataDir = path.join(dir, 'data');
  });

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the database file', () => {
    it('runs in WAL mode with durable commits (synchronous FULL) and foreign keys, at the current schema version', async () => {
      const store = track(await openStore(dataDir));
      expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: true, busyTimeoutMs: 5000, schemaVersion: SCHEMA_VERSION });
      expect(SCHEMA_VERSION).toBe(2);
      // WAL is a property of the file: another connection sees it too.
      withDatabase(dataDir, (db) => expect(db.pragma('journal_mode', { simple: true })).toBe('wal'));
    });

    it('creates the data directory and the database with its -wal and -shm files readable by the owner only', async () => {
      const store = track(await openStore(dataDir));
      await store.commit({ audit: entry(1), approval: { insert: approval() } });
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      const files = readdirSync(dataDir).sort();
      expect(files).toEqual([DB_FILE, `${DB_FILE}-shm`, `${DB_FILE}-wal`]);
      for (const f of files) expect(statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);
    });

    it('stores evidence that a re-check evaluates again only once', async () => {
      const store = track(await openStore(dataDir));
      const first = evaluation({ approvalId: 'a-1' });
      await store.commit({ audit: entry(1), evaluation: first });
      const evidence = (await store.getEvaluationEvidence(first.id))!.evidence;
      await store.commit({ audit: entry(2), evaluation: evaluation({ approvalId: 'a-1', createdAt: '2026-09-01T10:00:00.000Z', evidence }) });
      await store.commit({ audit: entry(3), evaluation: evaluation({ approvalId: 'a-1', evidence: structuredClone(first.evidence) }) });
      await store.commit({ audit: entry(4), evaluation: evaluation({ approvalId: 'a-1', evidence: { other: true } }) });
      withDatabase(dataDir, (db) => {
        expect(db.prepare('SELECT COUNT(*) AS n FROM evidence').get()).toEqual({ n: 2 });
        expect(db.prepare('SELECT COUNT(*) AS n FROM evaluations').get()).toEqual({ n: 4 });
      });
    });

    it('evidence read back and stored again with a new evaluation points at its row as stored, whatever JSON text that row holds', async () => {
      const store = track(await openStore(dataDir));
      const first = evaluation({ approvalId: 'a-1', evidence: { staff: [{ ref: 'm1', fte: 1 }] } });
      await store.commit({ audit: entry(1), evaluation: first });
      // The row as an earlier version or an import may have written it: the same content, other text.
      const spaced = '{ "staff": [ { "ref": "m1", "fte": 1 } ] }';
      const key = createHash('sha256').update(spaced, 'utf8').digest('hex');
      withDatabase(dataDir, (db) => {
        db.prepare('INSERT INTO evidence (sha256, json) VALUES (?, ?)').run(key, spaced);
        db.prepare('UPDATE evaluations SET evidence_sha256 = ? WHERE id = ?').run(key, first.id);
      });
      const read = (await store.getEvaluationEvidence(first.id))!.evidence;
      const again = evaluation({ approvalId: 'a-1', createdAt: '2026-09-01T10:00:00.000Z', evidence: read });
      await store.commit({ audit: entry(2), evaluation: again });
      withDatabase(dataDir, (db) => {
        expect(db.prepare('SELECT evidence_sha256 AS key FROM evaluations WHERE id = ?').get(again.id)).toEqual({ key });
      });
      expect((await store.getEvaluation(again.id))?.evidence).toEqual({ staff: [{ ref: 'm1', fte: 1 }] });
    });

    it('a database of schema version 1 is migrated at open: its evaluations are listed by provider, speciale, tilsyn and day, their records and evidence unchanged', async () => {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const v1 = new Database(dbFile());
      v1.exec(MIGRATIONS[0]);
      v1.pragma('user_version = 1');
      const old = [
        evaluation({ provider: provider({ tilbudId: 'T-1', tilsyn: 'Nord' }), speciale: 'autisme', createdAt: '2026-01-05T09:00:00.000Z', evidence: { n: 1 } }),
        evaluation({ provider: provider({ tilbudId: 'T-2', tilsyn: 'Øst' }), speciale: 'autisme', createdAt: '2026-01-06T09:00:00.000Z', evidence: { n: 2 } }),
        evaluation({ provider: provider({ tilbudId: 'T-1', tilsyn: 'Nord' }), speciale: 'erhvervet-hjerneskade', createdAt: '2026-01-07T09:00:00.000Z', evidence: { n: 3 } }),
      ];
      for (const e of old) {
        const { evidence, ...rest } = e;
        const json = JSON.stringify(evidence);
        const sha256 = createHash('sha256').update(json).digest('hex');
        v1.prepare('INSERT INTO evidence (sha256, json) VALUES (?, ?)').run(sha256, json);
        v1.prepare('INSERT INTO evaluations (id, approval_id, created_at, evidence_sha256, record) VALUES (?, NULL, ?, ?, ?)').run(e.id, e.createdAt, sha256, JSON.stringify(rest));
      }
      v1.close();

      const store = track(await openStore(dataDir));
      expect(store.settings().schemaVersion).toBe(2);
      const ids = async (filter: EvaluationFilter) => (await store.listEvaluations(filter, { limit: 10 })).items.map((e) => e.id);
      expect(await ids({})).toEqual(old.map((e) => e.id));
      expect(await ids({ tilbudId: 'T-1' })).toEqual([old[0].id, old[2].id]);
      expect(await ids({ tilsyn: 'Øst' })).toEqual([old[1].id]);
      expect(await ids({ speciale: 'erhvervet-hjerneskade' })).toEqual([old[2].id]);
      expect(await ids({ from: '2026-01-06', to: '2026-01-06' })).toEqual([old[1].id]);
      for (const e of old) expect(await store.getEvaluation(e.id)).toEqual(e);
      // The listing is served by the new indexes.
      withDatabase(dataDir, (db) => {
        const plan = db.prepare("EXPLAIN QUERY PLAN SELECT record FROM evaluations WHERE tilsyn = ? ORDER BY created_at, id LIMIT 5").all('Nord') as { detail: string }[];
        expect(plan.map((p) => p.detail).join(' ')).toMatch(/evaluations_by_tilsyn/);
      });
    });

    it('a database written by a newer version of the service is refused, and left as it is', async () => {
      const store = await openStore(dataDir);
      await store.close();
      withDatabase(dataDir, (db) => db.pragma('user_version = 99'));
      const before = readFileSync(dbFile());
      await expect(openStore(dataDir)).rejects.toThrow(/schema version 99/);
      expect(readFileSync(dbFile()).equals(before)).toBe(true);
    });
  });

  describe('damage', () => {
    /** A closed store with a few hundred records: many pages, all checkpointed into the main file. */
    async function filledStore(): Promise<void> {
      const store = await openStore(dataDir);
      await store.commitMany(
        Array.from({ length: 300 }, (_, i) => {
          const a = approval();
          return { audit: entry(i, a.id), evaluation: evaluation({ approvalId: a.id, evidence: { i, staff: [{ ref: `S${i}` }] } }), approval: { insert: a } };
        }),
      );
      await store.close();
    }

    it('a database file with a page overwritten by garbage is refused at open with StoreIntegrityError naming the damage, and nothing is written', async () => {
      await filledStore();
      const pageSize = withDatabase(dataDir, (db) => db.pragma('page_size', { simple: true }) as number);
      const pages = statSync(dbFile()).size / pageSize;
      expect(pages).toBeGreaterThan(50);
      const fd = openSync(dbFile(), 'r+');
      writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages / 2) * pageSize);
      closeSync(fd);
      const before = readFileSync(dbFile());

      const refused = await openStore(dataDir).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StoreIntegrityError);
      expect((refused as StoreIntegrityError).details.damage).toMatch(/\S/);
      expect((refused as StoreIntegrityError).message).toMatch(/backup/);
      expect(readFileSync(dbFile()).equals(before)).toBe(true);
    });

    it('a file that is not a database is refused at open with StoreIntegrityError (SQLITE_NOTADB), and left as it is', async () => {
      mkdirSync(dataDir, { mode: 0o700 });
      writeFileSync(dbFile(), 'these are not the records you are looking for\n'.repeat(200), { mode: 0o600 });
      const before = readFileSync(dbFile());
      await expect(openStore(dataDir)).rejects.toMatchObject({ name: 'StoreIntegrityError', details: { damage: 'SQLITE_NOTADB' } });
      expect(readFileSync(dbFile()).equals(before)).toBe(true);
      expect(readdirSync(dataDir)).toEqual([DB_FILE]);
    });

    it.each([
      ['SQLITE_CORRUPT', 'damage'],
      ['SQLITE_CORRUPT_INDEX', 'damage'],
      ['SQLITE_NOTADB', 'damage'],
      ['SQLITE_IOERR_WRITE', 'unavailable'],
      ['SQLITE_IOERR_FSYNC', 'unavailable'],
      ['SQLITE_BUSY', 'unavailable'],
      ['SQLITE_FULL', 'unavailable'],
      ['SQLITE_CANTOPEN', 'unavailable'],
      ['SQLITE_READONLY_DBMOVED', 'unavailable'],
      ['SQLITE_CONSTRAINT_NOTNULL', 'neither'],
      ['SQLITE_ERROR', 'neither'],
    ])('an operation failing with %s is reported as %s', (code, kind) => {
      const mapped = storeError(new Database.SqliteError(`failed: ${code}`, code), 'commit', { dataDir: '/data', fileName: DB_FILE });
      if (kind === 'damage') {
        expect(mapped).toBeInstanceOf(StoreIntegrityError);
        expect((mapped as StoreIntegrityError).details.damage).toBe(code);
      } else if (kind === 'unavailable') expect(mapped).toBeInstanceOf(StoreUnavailableError);
      else expect(mapped).toBeInstanceOf(Database.SqliteError);
    });
  });

  describe('data directories it does not open', () => {
    it('refuses a directory holding the old nedb store with LegacyStoreError naming the import, and creates nothing', async () => {
      mkdirSync(dataDir, { mode: 0o700 });
      writeFileSync(path.join(dataDir, 'audit.db'), '{"seq":1,"doc":"{}"}\n', { mode: 0o600 });
      const refused = await openStore(dataDir).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(LegacyStoreError);
      expect((refused as Error).message).toContain(`npm run import-nedb -- ${dataDir}`);
      expect(readdirSync(dataDir)).toEqual(['audit.db']);
    });

    it('a data directory that cannot be created is unavailable (503, retried), not a crash', async () => {
      writeFileSync(path.join(dir, 'not-a-directory'), '');
      await expect(openStore(path.join(dir, 'not-a-directory', 'data'))).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });

  describe('commits', () => {
    it('commits arriving together are written in one transaction: consecutive seqs, far less written than one by one, all there after reopening', async () => {
      const store = track(await openStore(dataDir));
      const wal = () => statSync(`${dbFile()}-wal`).size;
      const one = async (i: number) => {
        const a = approval();
        const outcome = await store.commit({ audit: entry(i, a.id), approval: { insert: a } });
        return { a, outcome };
      };
      await one(0);
      const start = wal();
      for (let i = 1; i <= 20; i++) await one(i);
      const oneByOne = wal() - start;
      const beforeGroup = wal();
      const together = await Promise.all(Array.from({ length: 20 }, (_, i) => one(21 + i)));
      const grouped = wal() - beforeGroup;

      expect(together.map(({ outcome }) => (outcome.committed ? outcome.entry.seq : 0))).toEqual(Array.from({ length: 20 }, (_, i) => 22 + i));
      // Each transaction writes the pages it touched (table, indexes, audit, head) to the WAL once.
      expect(grouped).toBeLessThan(oneByOne / 4);

      await store.close();
      const reopened = track(await openStore(dataDir));
      for (const { a } of together) expect(await reopened.getApproval(a.id)).toEqual(a);
      expect(await reopened.verifyAuditChain()).toMatchObject({ ok: true, entries: 41 });
    });

    it('commits issued before close() complete and persist; operations after close() are refused as unavailable', async () => {
      const store = await openStore(dataDir);
      const records = Array.from({ length: 20 }, () => approval());
      const writes = records.map((a, i) => store.commit({ audit: entry(i, a.id), approval: { insert: a } }));
      await store.close();
      expect((await Promise.all(writes)).every((o) => o.committed)).toBe(true);
      await expect(store.getApproval(records[0].id)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.commit({ audit: entry('late') })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      const reopened = track(await openStore(dataDir));
      for (const a of records) expect(await reopened.getApproval(a.id)).toEqual(a);
      expect(await reopened.verifyAuditChain()).toMatchObject({ ok: true, entries: 20 });
    });

    it('a change that fails for a reason other than a refusal fails its caller alone; the others of its group commit', async () => {
      const store = track(await openStore(dataDir));
      const [kept, alsoKept] = [approval(), approval()];
      const broken = { ...approval(), speciale: undefined as unknown as string };
      const results = await Promise.allSettled([
        store.commit({ audit: entry(1, kept.id), approval: { insert: kept } }),
        store.commitMany([
          { audit: entry(2) },
          { audit: entry(3, broken.id), approval: { insert: broken } },
        ]),
        store.commit({ audit: entry(4, alsoKept.id), approval: { insert: alsoKept } }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.listAudit({ limit: 10 })).toMatchObject([{ seq: 1, entityId: kept.id }, { seq: 2, entityId: alsoKept.id }]);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 2 });
    });

    it('verifying a long chain while commits go on checks one consistent snapshot', async () => {
      const store = track(await openStore(dataDir));
      await store.commitMany(Array.from({ length: 2500 }, (_, i) => ({ audit: entry(i) })));
      const verifying = store.verifyAuditChain();
      const during = Promise.all(Array.from({ length: 30 }, (_, i) => store.commit({ audit: entry(`during ${i}`) })));
      const [result] = await Promise.all([verifying, during]);
      expect(result).toMatchObject({ ok: true });
      expect(result.ok && result.entries).toBeGreaterThanOrEqual(2500);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 2530 });
    });
  });

  describe('the writer thread', () => {
    /** Takes the database's write lock on a connection of the test's own, as another process could. */
    const holdWriteLock = () => {
      const db = new Database(dbFile(), { fileMustExist: true, timeout: 5000 });
      db.prepare('BEGIN IMMEDIATE').run();
      return {
        release: () => {
          db.prepare('ROLLBACK').run();
          db.close();
        },
      };
    };
    const settledYet = (promise: Promise<unknown>) => {
      let settled = false;
      promise.then(
        () => (settled = true),
        () => (settled = true),
      );
      return () => settled;
    };
    const writerOf = (store: ContractStore) => (store as unknown as { writer: SqliteWriter }).writer;

    it('the main thread goes on while a commit waits for the write lock and writes: the transaction runs on another thread', async () => {
      const transactions: { changes: number; us: number; threadId: number }[] = [];
      const store = track(new SqliteStore<ContractRecords>(dataDir, { ...STORE_OPTIONS, onTransaction: (t) => transactions.push(t) }));
      await store.init();
      await store.commit({ audit: entry(1) });
      const lock = holdWriteLock();
      let committing: Promise<unknown>;
      try {
        committing = store.commit({ audit: entry(2) });
        const settled = settledYet(committing);
        // On this thread the commit would wait for the lock (busy timeout, 5 s) without letting this timer
        // run, and then fail with SQLITE_BUSY: the timer runs, the commit still waiting, and reads are answered.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(settled()).toBe(false);
        expect(await store.auditHead()).toMatchObject({ seq: 1 });
      } finally {
        lock.release();
      }
      expect(await committing).toMatchObject({ committed: true, entry: { seq: 2 } });
      expect(transactions.map((t) => t.changes)).toEqual([1, 1]);
      for (const t of transactions) expect(t.threadId).not.toBe(threadId);
      // The second waited for the lock about as long as the timer ran.
      expect(transactions[1].us).toBeGreaterThan(50_000);
    });

    it('a store opened as the jobs open it (writerThread: false) commits on the caller\'s thread, in groups, and starts no thread', async () => {
      const transactions: { changes: number; us: number; threadId: number }[] = [];
      const store = track(new SqliteStore<ContractRecords>(dataDir, { ...STORE_OPTIONS, writerThread: false, onTransaction: (t) => transactions.push(t) }));
      await store.init();
      await Promise.all([store.commit({ audit: entry(1) }), store.commit({ audit: entry(2) }), store.commit({ audit: entry(3) })]);
      expect(transactions).toEqual([expect.objectContaining({ changes: 3, threadId })]);
      expect(writerOf(store)).toBeNull();
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 3 });
    });

    it('a writer thread that dies rejects the commits in flight and queued as unavailable; the next commit starts a new one', async () => {
      const store = track(await openStore(dataDir));
      await store.commit({ audit: entry(1) });
      const lock = holdWriteLock();
      const inFlight = store.commit({ audit: entry(2) });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const queued = store.commitMany([{ audit: entry(3) }, { audit: entry(4) }]);
      void writerOf(store).terminateThreadForTest();
      // The thread blocked on the lock ends as soon as it returns to JavaScript.
      lock.release();
      await expect(inFlight).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(inFlight).rejects.toThrow(/writer thread stopped/);
      await expect(queued).rejects.toBeInstanceOf(StoreUnavailableError);

      const next = await store.commit({ audit: entry(5) });
      // The one in flight may have committed before the thread ended (it was not acknowledged); those queued were not written.
      const head = await store.auditHead();
      expect(next).toMatchObject({ committed: true, entry: { seq: head!.seq } });
      expect(head!.seq).toBeLessThanOrEqual(3);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: head!.seq });
    });

    it('close() waits for the group in flight, writes those queued behind it, and all of them persist', async () => {
      const store = await openStore(dataDir);
      await store.commit({ audit: entry(0) });
      const lock = holdWriteLock();
      const records = Array.from({ length: 10 }, () => approval());
      const first = store.commit({ audit: entry(1, records[0].id), approval: { insert: records[0] } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const rest = records.slice(1).map((a, i) => store.commit({ audit: entry(i + 2, a.id), approval: { insert: a } }));
      const closing = store.close();
      await expect(store.commit({ audit: entry('late') })).rejects.toBeInstanceOf(StoreUnavailableError);
      setTimeout(() => lock.release(), 50);
      await closing;
      expect((await Promise.all([first, ...rest])).map((o) => o.committed && o.entry.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
      const reopened = track(await openStore(dataDir));
      for (const a of records) expect(await reopened.getApproval(a.id)).toEqual(a);
      expect(await reopened.verifyAuditChain()).toMatchObject({ ok: true, entries: 11 });
    });

    it('an open, idle store does not keep a process alive, and a commit in flight does until it is acknowledged', () => {
      const root = path.resolve(__dirname, '../..');
      const script = `
        const { SqliteStore } = require(${JSON.stringify(path.join(root, 'src/store/sqlite.ts'))});
        const store = new SqliteStore(${JSON.stringify(dataDir)}, { inForceStatuses: ['approved'] });
        // The second commit is made once the thread is running (and idle), with nothing else to keep the process alive.
        store.init().then(() => store.commit({ audit: ${JSON.stringify(entry(1))} })).then(() => {
          store.commit({ audit: ${JSON.stringify(entry(2))} }).then((outcome) => console.log(JSON.stringify(outcome.entry.seq)));
        });`;
      const child = spawnSync(process.execPath, ['--require', path.join(root, 'test/support/tsRegister.js'), '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
      expect({ status: child.status, signal: child.signal, stdout: child.stdout.trim(), stderr: child.stderr }).toEqual({ status: 0, signal: null, stdout: '2', stderr: '' });
    });
  });

  describe('several processes on one data directory', () => {
    it('two store instances share leases and one audit chain', async () => {
      const [a, b] = [track(await openStore(dataDir)), track(await openStore(dataDir))];
      const now = new Date('2026-03-01T10:00:00.000Z');
      expect(await a.acquireLease('recheck-batch', 'a', 60_000, now)).toBe(true);
      expect(await b.acquireLease('recheck-batch', 'b', 60_000, now)).toBe(false);
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).commit({ audit: entry(i) })));
      expect(outcomes.map((o) => (o.committed ? o.entry.seq : 0)).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await a.verifyAuditChain()).toMatchObject({ ok: true, entries: 20 });
      expect(await b.auditHead()).toEqual(await a.auditHead());
    });

    it('two processes committing at once give one gapless, verified chain with every acknowledged change in it', async () => {
      const iterations = 30;
      const writers = [startWriter(dataDir, iterations), startWriter(dataDir, iterations)];
      await Promise.all(writers.map((w) => w.closed));
      for (const w of writers) expect({ exit: w.child.exitCode, stderr: w.stderr() }).toEqual({ exit: 0, stderr: '' });
      const acks = writers.flatMap((w) => w.acks());
      // Per process: its anchor's insert, then per iteration four inserts and one update of the anchor.
      expect(acks).toHaveLength(2 * iterations * 5);

      const store = track(await openStore(dataDir));
      expect(await store.verifyAuditChain()).toEqual(expect.objectContaining({ ok: true, entries: 2 * (1 + iterations * 5) }));
      expect(new Set(acks.map((a) => a.seq)).size).toBe(acks.length);
      const entries = await store.listAudit({ limit: 1000 });
      for (const ack of acks) {
        expect(entries[ack.seq - 1]).toMatchObject({ seq: ack.seq, entityId: ack.approvalId, subject: `crash-writer-${ack.writer}` });
        if (ack.kind === 'insert') {
          expect(await store.getApproval(ack.approvalId)).toMatchObject({ evaluationId: ack.evaluationId });
          expect(await store.getEvaluation(ack.evaluationId!)).toMatchObject({ approvalId: ack.approvalId });
        }
      }
      const anchors = acks.filter((a) => a.kind === 'anchor' && a.i === iterations - 1);
      expect(anchors).toHaveLength(2);
      for (const anchor of anchors) expect(await store.getApproval(anchor.approvalId)).toMatchObject({ version: iterations + 1 });
    }, 60_000);

    it('kill -9 of a writing process loses no acknowledged commit, and the chain goes on from where it stopped', async () => {
      const writer = startWriter(dataDir);
      await writer.acknowledged(80);
      writer.child.kill('SIGKILL');
      await writer.closed; // every line the child wrote has now been read
      expect(writer.child.signalCode).toBe('SIGKILL');
      const acks = writer.acks();
      expect(acks.length).toBeGreaterThanOrEqual(80);

      const store = track(await openStore(dataDir));
      const verification = await store.verifyAuditChain();
      expect(verification.ok).toBe(true);
      const entries = verification.ok ? verification.entries : 0;
      expect(entries).toBeGreaterThanOrEqual(Math.max(...acks.map((a) => a.seq)));
      for (const ack of acks) {
        if (ack.kind === 'insert') {
          expect(await store.getApproval(ack.approvalId)).not.toBeNull();
          expect(await store.getEvaluation(ack.evaluationId!)).not.toBeNull();
        } else {
          expect((await store.getApproval(ack.approvalId))?.version).toBeGreaterThanOrEqual(ack.anchorVersion!);
        }
      }
      const next = await store.commit({ audit: entry('after the crash') });
      expect(next).toMatchObject({ committed: true, entry: { seq: entries + 1 } });
    }, 60_000);
  });

  describe('the file or directory going away', () => {
    it('a database file moved away makes operations unavailable instead of writing to a file nobody will open again; putting it back resumes without a restart', async () => {
      const store = track(await openStore(dataDir));
      const kept = approval();
      await store.commit({ audit: entry(1, kept.id), approval: { insert: kept } });
      renameSync(dbFile(), `${dbFile()}.aside`);

      const refused = approval();
      await expect(store.commit({ audit: entry(2, refused.id), approval: { insert: refused } })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.getApproval(kept.id)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      // No new, empty database was created in its place.
      expect(readdirSync(dataDir)).not.toContain(DB_FILE);

      renameSync(`${dbFile()}.aside`, dbFile());
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.getApproval(kept.id)).toEqual(kept);
      expect(await store.getApproval(refused.id)).toBeNull();
      expect(await store.commit({ audit: entry(3, refused.id), approval: { insert: refused } })).toMatchObject({ committed: true, entry: { seq: 2 } });
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 2 });
    });

    it('a deleted data directory makes operations unavailable', async () => {
      const store = track(await openStore(dataDir));
      rmSync(dataDir, { recursive: true, force: true });
      await expect(store.commit({ audit: entry(1) })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.auditHead()).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    describe('read-only data directory (permission bits)', () => {
      const NOBODY = 65534;
      const bypassed = permissionsBypassed();
      const canDrop = bypassed && process.geteuid?.() === 0 && typeof process.seteuid === 'function';
      if (bypassed && !canDrop) console.log('SqliteStore read-only test SKIPPED: permission bits do not stop this process and it cannot switch to an unprivileged uid');
      const test = !bypassed || canDrop ? it : it.skip;

      test('ping reports a data directory and database made read-only as unavailable, and passes again once they are writable', async () => {
        mkdirSync(dataDir, { mode: 0o700 });
        if (canDrop) {
          chmodSync(dir, 0o755);
          chownSync(dataDir, NOBODY, NOBODY);
          process.seteuid!(NOBODY);
        }
        try {
          const store = await openStore(dataDir);
          await store.commit({ audit: entry(1) });
          const files = readdirSync(dataDir).map((f) => path.join(dataDir, f));
          for (const f of files) chmodSync(f, 0o400);
          chmodSync(dataDir, 0o500);
          await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
          chmodSync(dataDir, 0o700);
          for (const f of files) chmodSync(f, 0o600);
          await expect(store.ping()).resolves.toBeUndefined();
          await store.close();
        } finally {
          if (canDrop) process.seteuid!(0);
        }
      });
    });
  });
});

/** True when permission bits do not stop this process from writing (root, CAP_DAC_OVERRIDE). */
function permissionsBypassed(): boolean {
  const probeDir = tempDir('sf-perm-probe-');
  try {
    chmodSync(probeDir, 0o500);
    try {
      writeFileSync(path.join(probeDir, 'probe'), 'x');
      return true;
    } catch {
      return false;
    }
  } finally {
    chmodSync(probeDir, 0o700);
    rmSync(probeDir, { recursive: true, force: true });
  }
}
