import { createRecordStore, type RecordStore } from '../../src/approvals/records';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { verifyRecord } from '../../src/approvals/integrity';
import { runBackup } from '../../src/jobs/backup';
import { DB_FILE_NAME } from '../../src/store/sqliteDatabase';
import { systemClock } from '../../src/time/clock';
import { seedApproval } from '../support/seed';
import { approval, evaluation, STORE_OPTIONS, type ContractRecords } from '../store/support/fixtures';
import { SqliteStore } from '../../src/store/sqlite';
import {
  adminToken,
  call,
  eligibleCase,
  evaluationRequest,
  killAll,
  removeDir,
  ROOT,
  RULES_DIR,
  sleep,
  spawnNode,
  startServer,
  tempDir,
  type Server,
} from '../faults/support/child';

jest.setTimeout(90_000);

const BACKUP_JS = path.join(ROOT, 'dist/src/jobs/backup.js');

async function backup(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream;
  const code = await runBackup(argv, { RULES_DIR, ...env }, sink);
  return { code, out };
}

/** The backup put in a data directory of its own, as a restore would, and opened as the service opens it. */
async function openCopy(file: string, dir: string): Promise<RecordStore> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, path.join(dir, DB_FILE_NAME));
  const store = createRecordStore({ dataDir: dir });
  await store.init();
  return store;
}

describe('a backup while the service runs and writes, and a restore from it', () => {
  let dir: string;
  let dataDir: string;
  let server: Server;
  let token: string;
  const file = () => path.join(dir, 'backups', 'nightly.sqlite');
  /** Acknowledged before the backup started, and after it ended. */
  let before: string[] = [];
  let after: string[] = [];
  let backupEntries = 0;

  beforeAll(async () => {
    dir = tempDir('backup');
    dataDir = path.join(dir, 'data');
    mkdirSync(path.join(dir, 'backups'));
    server = await startServer({ DATA_DIR: dataDir });
    token = adminToken(dataDir);
  });
  afterAll(async () => {
    await killAll();
    removeDir(dir);
  });

  it('takes a copy that opens, verifies and holds every write acknowledged before it started, while the writes go on', async () => {
    const cases = ['autisme', 'erhvervet-hjerneskade', 'synsnedsaettelse'].map(eligibleCase);
    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let inFlight = 0;
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        inFlight++;
        try {
          const res = await call(server.base, token, 'POST', '/v1/evaluations', evaluationRequest(cases[(n + i) % cases.length]));
          if (res.status === 201) acknowledged.push(res.body.id);
          else unexpected.push(`${res.status} ${JSON.stringify(res.body)}`);
        } finally {
          inFlight--;
        }
      }
    };
    const clients = Array.from({ length: 4 }, (_, n) => client(n));
    while (acknowledged.length < 100 && unexpected.length === 0) await sleep(20);
    before = [...acknowledged];
    const inFlightAtStart = inFlight;
    const result = await backup([file()], { DATA_DIR: dataDir });
    const atEnd = acknowledged.length;
    while (acknowledged.length < atEnd + 20 && unexpected.length === 0) await sleep(20);
    stop = true;
    await Promise.all(clients);
    after = acknowledged.slice(atEnd);

    expect(unexpected).toEqual([]);
    expect(inFlightAtStart).toBeGreaterThan(0);
    expect(result.code).toBe(0);
    const line = new RegExp(`^Backup ${file().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+) bytes, (\\d+) audit entries, head (\\d+) ([0-9a-f]{64}) \\((\\d+) ms\\)\\n$`);
    expect(result.out).toMatch(line);
    const [, bytes, entries, headSeq, headHash] = line.exec(result.out)!;
    backupEntries = Number(entries);
    expect(statSync(file()).size).toBe(Number(bytes));
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    // Nothing else left beside it (the temporary file was renamed), and it is one self-contained file.
    expect(readdirSync(path.dirname(file()))).toEqual(['nightly.sqlite']);

    const store = await openCopy(file(), path.join(dir, 'opened'));
    try {
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: backupEntries, head: { seq: Number(headSeq), hash: headHash } });
      expect((await verifyRecord(store, systemClock)).ok).toBe(true);
      const missing: string[] = [];
      for (const id of before) if (!(await store.getEvaluation(id))) missing.push(id);
      expect(missing).toEqual([]);
      expect(backupEntries).toBeGreaterThanOrEqual(before.length);
      // At most what was acknowledged or in flight by the time the backup ended.
      expect(backupEntries).toBeLessThanOrEqual(atEnd + 4);
    } finally {
      await store.close();
    }
  });

  it('restores: the service started on the backup copied over its database answers verify ok and has the records of the backup', async () => {
    expect(backupEntries).toBeGreaterThan(0);
    server.signal('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const db = path.join(dataDir, DB_FILE_NAME);
    copyFileSync(file(), db);
    for (const f of [`${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    server = await startServer({ DATA_DIR: dataDir });

    const verify = await call(server.base, token, 'GET', '/v1/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, entries: backupEntries });
    for (const id of before.slice(-10)) expect((await call(server.base, token, 'GET', `/v1/evaluations/${id}`)).status).toBe(200);
    // What was written after the backup is not in it.
    expect((await call(server.base, token, 'GET', `/v1/evaluations/${after[after.length - 1]}`)).status).toBe(404);
    // And the restored record goes on from its head.
    const next = await call(server.base, token, 'POST', '/v1/evaluations', evaluationRequest(eligibleCase('autisme')));
    expect(next.status).toBe(201);
    expect((await call(server.base, token, 'GET', '/v1/audit/verify')).body).toMatchObject({ ok: true, entries: backupEntries + 1 });
  });
});

describe('npm run backup refuses', () => {
  let dir: string;
  let dataDir: string;
  let target: string;
  beforeEach(() => {
    dir = tempDir('backup-refusals');
    dataDir = path.join(dir, 'data');
    target = path.join(dir, 'copy.sqlite');
  });
  afterEach(() => removeDir(dir));

  async function seeded(): Promise<void> {
    const store = new SqliteStore<ContractRecords>(dataDir, STORE_OPTIONS);
    await store.init();
    for (let i = 0; i < 3; i++) await seedApproval(store, approval(), evaluation());
    await store.close();
  }

  it('a DATA_DIR without a database, naming the path and creating nothing', async () => {
    const { code, out } = await backup([target], { DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(out).toContain(path.join(dataDir, DB_FILE_NAME));
    expect(existsSync(dataDir)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('to replace an existing file unless --force is given', async () => {
    await seeded();
    writeFileSync(target, 'keep me');
    const refused = await backup([target], { DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('--force');
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(readdirSync(dir).sort()).toEqual(['copy.sqlite', 'data']);

    const forced = await backup(['--force', target], { DATA_DIR: dataDir });
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('3 audit entries');
    const db = new Database(target, { readonly: true, fileMustExist: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM approvals').get() as { n: number }).n).toBe(3);
    db.close();
  });

  it('to write over the store itself, even with --force', async () => {
    await seeded();
    const own = path.join(dataDir, DB_FILE_NAME);
    const { code } = await backup(['--force', own], { DATA_DIR: dataDir });
    expect(code).toBe(2);
    const store = createRecordStore({ dataDir });
    await store.init();
    expect(await store.countApprovals({})).toBe(3);
    await store.close();
  });

  it('a copy whose audit chain does not verify, leaving nothing under the name', async () => {
    await seeded();
    const db = new Database(path.join(dataDir, DB_FILE_NAME), { fileMustExist: true });
    db.prepare("UPDATE audit SET entry = json_set(entry, '$.subject', 'someone-else') WHERE seq = 2").run();
    db.close();
    const { code, out } = await backup([target], { DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(out).toMatch(/does not verify at entry 2/);
    expect(readdirSync(dir)).toEqual(['data']);
  });

  it('writes a relative file where npm was run from (INIT_CWD), not in the package directory', async () => {
    await seeded();
    const { code } = await backup(['relative.sqlite'], { DATA_DIR: dataDir, INIT_CWD: dir });
    expect(code).toBe(0);
    expect(existsSync(path.join(dir, 'relative.sqlite'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'relative.sqlite'))).toBe(false);
  });

  it('with MONGODB_URI set, pointing to MongoDB backups', async () => {
    await seeded();
    const { code, out } = await backup([target], { DATA_DIR: dataDir, MONGODB_URI: 'mongodb://localhost:27017' });
    expect(code).toBe(1);
    expect(out).toContain('mongodump');
    expect(existsSync(target)).toBe(false);
  });

  it('wrong usage with exit 2, and prints usage with --help and exit 0 (also as the built command)', async () => {
    expect((await backup([], { DATA_DIR: dataDir })).code).toBe(2);
    expect((await backup(['a', 'b'], { DATA_DIR: dataDir })).code).toBe(2);
    expect((await backup(['--overwrite', target], { DATA_DIR: dataDir })).code).toBe(2);
    const help = await backup(['--help'], { DATA_DIR: dataDir });
    expect(help).toEqual({ code: 0, out: expect.stringContaining('Usage: npm run backup -- [--force] <file>') });
    const built = spawnNode([BACKUP_JS, '--help'], { DATA_DIR: dataDir });
    expect(await built.exited).toEqual({ code: 0, signal: null });
    expect(built.output()).toContain('Usage: npm run backup');
    const failing = spawnNode([BACKUP_JS, target], { DATA_DIR: dataDir });
    expect((await failing.exited).code).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
