import { createRecordStore, type RecordStore } from '../../src/approvals/records';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runImportNedb } from '../../src/jobs/importNedb';
import { DB_FILE_NAME } from '../../src/store/sqliteDatabase';
import type { AuditEntry } from '../../src/store/types';
import { approval, provider } from '../store/support/fixtures';
import { adminToken, call, killAll, removeDir, RULES_DIR, ROOT, spawnNode, SERVER_JS, startServer, tempDir } from '../faults/support/child';
import { chain, oldRecord, writeOldStore, type OldRecord } from './support/oldNedbStore';

jest.setTimeout(60_000);

const IMPORT_JS = path.join(ROOT, 'dist/src/jobs/importNedb.js');

let dir: string;
let oldDir: string;
let dataDir: string;
const stores: RecordStore[] = [];

beforeEach(() => {
  dir = tempDir('import');
  oldDir = path.join(dir, 'old');
  dataDir = path.join(dir, 'new');
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await killAll();
  removeDir(dir);
});

async function importNedb(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream;
  const code = await runImportNedb(argv, { DATA_DIR: dataDir, RULES_DIR, ...env }, sink);
  return { code, out };
}

async function openStore(at = dataDir): Promise<RecordStore> {
  const store = createRecordStore({ dataDir: at });
  await store.init();
  stores.push(store);
  return store;
}

/** Every file of the directory with its bytes and modification time. */
function snapshot(at: string): Record<string, { bytes: string; mtimeMs: number }> {
  return Object.fromEntries(readdirSync(at).map((f) => [f, { bytes: readFileSync(path.join(at, f)).toString('base64'), mtimeMs: statSync(path.join(at, f)).mtimeMs }]));
}

/** Replaces one stored audit entry in the old audit.db (as someone editing the file would). */
function editOldEntry(seq: number, change: Partial<AuditEntry>): void {
  const file = path.join(oldDir, 'audit.db');
  const lines = readFileSync(file, 'utf8').split('\n').map((line) => {
    if (!line) return line;
    const row = JSON.parse(line) as { seq?: number; doc?: string };
    return row.seq === seq ? JSON.stringify({ ...row, doc: JSON.stringify({ ...(JSON.parse(row.doc!) as AuditEntry), ...change }) }) : line;
  });
  writeFileSync(file, lines.join('\n'));
}

describe('npm run import-nedb', () => {
  let record: OldRecord;
  beforeEach(() => {
    record = oldRecord();
    writeOldStore(oldDir, record);
  });

  it('imports every record, reading back equal, with the audit chain and its hashes unchanged', async () => {
    const before = snapshot(oldDir);
    const { code, out } = await importNedb([oldDir]);
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('Verified') });
    expect(out).toContain('evaluations 4, approvals 2, audit entries 8');
    expect(out).toContain('documents: recheckRuns 1, capacityChanges 1, rechecks 1');
    expect(out).toContain('leases not imported: 1');

    const store = await openStore();
    for (const e of record.evaluations) expect(await store.getEvaluation(e.id)).toEqual(e);
    for (const history of record.approvals) expect(await store.getApproval(history[0].id)).toEqual(history[history.length - 1]);
    expect(await store.countApprovals({})).toBe(2);
    expect(await store.listAudit({ limit: 100 })).toEqual(record.audit);
    const last = record.audit[record.audit.length - 1];
    expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 8, head: { seq: last.seq, hash: last.hash, at: last.at } });
    for (const { collection, doc } of record.documents) expect(await store.getDocument(collection, doc.id)).toEqual(doc);
    // The old lease was not imported: another holder takes it.
    expect(await store.acquireLease('recheck-batch', 'someone-else', 60_000, new Date('2026-01-01'))).toBe(true);
    // The next commit links to the imported chain.
    const next = await store.commit({ audit: { at: '2026-01-01T00:00:00.000Z', subject: 't', action: 'test', entityType: 't', entityId: 'x', summary: {} } });
    expect(next).toMatchObject({ committed: true, entry: { seq: 9, prevHash: last.hash } });
    // The old files were only read: not compacted, not touched.
    expect(snapshot(oldDir)).toEqual(before);
  });

  it('imports into the directory of the old store itself, where the service then opens the new store', async () => {
    // Given relative to where npm was run from.
    const { code } = await importNedb(['old'], { DATA_DIR: oldDir, INIT_CWD: dir });
    expect(code).toBe(0);
    const store = await openStore(oldDir);
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 8 });
    expect(existsSync(path.join(oldDir, 'approvals.db'))).toBe(true);
  });

  it('refuses an old audit chain with an edited entry, naming it, and writes nothing', async () => {
    editOldEntry(5, { subject: 'someone-else' });
    const { code, out } = await importNedb([oldDir]);
    expect(code).toBe(1);
    expect(out).toMatch(/does not verify at entry 5: hash does not match/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an old chain with an entry missing from the middle and, importing into the old directory itself, creates no database there', async () => {
    const file = path.join(oldDir, 'audit.db');
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((line) => !line.includes('"_id":"seq-3"')).join('\n'));
    const { code, out } = await importNedb([oldDir], { DATA_DIR: oldDir });
    expect(code).toBe(1);
    expect(out).toMatch(/does not verify at entry 3: entry 3 is missing/);
    expect(existsSync(path.join(oldDir, DB_FILE_NAME))).toBe(false);
  });

  it('refuses an old datafile with a line that does not parse, naming the file and line, and writes nothing', async () => {
    // A torn line in the middle: nedb alone would drop it silently (up to 10 % of a file).
    const file = path.join(oldDir, 'approvals.db');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(3, 0, '{"id":"torn","doc":"{\\"id\\":');
    writeFileSync(file, lines.join('\n'));
    const { code, out } = await importNedb([oldDir]);
    expect(code).toBe(1);
    expect(out).toContain(`${file} line 4`);
    expect(out).toContain('Nothing was written');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an evaluation whose body is not where its index points', async () => {
    const bodies = path.join(oldDir, 'evaluation-bodies.jsonl');
    writeFileSync(bodies, readFileSync(bodies).subarray(0, 40));
    const { code, out } = await importNedb([oldDir]);
    expect(code).toBe(1);
    expect(out).toMatch(/evaluation-bodies\.jsonl ends before/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('imports once: a second import is refused and the record stays as it was', async () => {
    expect((await importNedb([oldDir])).code).toBe(0);
    const second = await importNedb([oldDir]);
    expect(second.code).toBe(1);
    expect(second.out).toContain('already holds a record');
    const store = await openStore();
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 8 });
    expect(await store.countApprovals({})).toBe(2);
  });

  it('refuses into a store the service has already written to', async () => {
    const store = await openStore();
    await store.commit({ audit: { at: '2026-01-01T00:00:00.000Z', subject: 't', action: 'test', entityType: 't', entityId: 'x', summary: {} } });
    await store.close();
    const { code, out } = await importNedb([oldDir]);
    expect(code).toBe(1);
    expect(out).toContain('already holds a record (rows in audit, audit_head)');
    expect(await (await openStore()).verifyAuditChain()).toMatchObject({ ok: true, entries: 1 });
  });

  it('refuses two approvals in force for one provider, speciale and level (stored before the rule), naming both, and writes nothing', async () => {
    const [active] = record.approvals[1];
    const twin = approval({ createdAt: '2025-07-01T10:00:00.000Z', provider: provider({ tilbudId: active.provider.tilbudId, tilsyn: 'Nord' }), tilsyn: 'Nord' });
    record.approvals.push([twin]);
    record.unkeyed = new Set([twin.id]);
    const entries = record.audit.map(({ seq: _s, prevHash: _p, hash: _h, ...input }) => input);
    record.audit = chain([...entries, { at: twin.createdAt, subject: 's', action: 'approval.approved', entityType: 'approval', entityId: twin.id, summary: {} }]);
    rmSync(oldDir, { recursive: true });
    writeOldStore(oldDir, record);
    const { code, out } = await importNedb([oldDir]);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`approval (${twin.id}|${active.id}) would be a second approval in force .*\\(approval (${active.id}|${twin.id}) is\\)`));
    expect(existsSync(dataDir)).toBe(false);
  });

  it('keeps the import but exits 1 and says what to do when an approval does not match its entries', async () => {
    // The stored approval says active; its entries say it was revoked.
    record.approvals[0].pop();
    rmSync(oldDir, { recursive: true });
    writeOldStore(oldDir, record);
    const { code, out } = await importNedb([oldDir]);
    expect(code).toBe(1);
    expect(out).toContain('NOT VERIFIED');
    expect(out).toContain('"field":"status","expected":"revoked","stored":"active"');
    expect(out).toContain('stays imported');
    expect(await (await openStore()).countApprovals({})).toBe(2);
  });

  it('refuses a directory without an old store, and MONGODB_URI', async () => {
    mkdirSync(path.join(dir, 'empty'));
    const none = await importNedb([path.join(dir, 'empty')]);
    expect(none.code).toBe(1);
    expect(none.out).toContain('holds no nedb store');
    const mongo = await importNedb([oldDir], { MONGODB_URI: 'mongodb://localhost:27017' });
    expect(mongo.code).toBe(1);
    expect(mongo.out).toContain('MONGODB_URI is set');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('prints usage with --help (exit 0) and on wrong usage (exit 2)', async () => {
    expect(await importNedb(['--help'])).toEqual({ code: 0, out: expect.stringContaining('Usage: npm run import-nedb -- <old DATA_DIR>') });
    expect((await importNedb([])).code).toBe(2);
    expect((await importNedb([oldDir, 'another'])).code).toBe(2);
    expect((await importNedb(['--frobnicate', oldDir])).code).toBe(2);
  });
});

describe('the service and an old store', () => {
  it('refuses to start on a data directory of the old store, naming the import command, and creates no database', async () => {
    mkdirSync(dataDir, { recursive: true });
    appendFileSync(path.join(dataDir, 'approvals.db'), '');
    const server = spawnNode([SERVER_JS], { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECHECK_INTERVAL_MINUTES: '0' });
    const { code } = await server.exited;
    expect(code).not.toBe(0);
    expect(server.output()).toContain(`npm run import-nedb -- ${dataDir}`);
    expect(server.output()).not.toContain('"msg":"listening"');
    expect(existsSync(path.join(dataDir, DB_FILE_NAME))).toBe(false);
  });

  it('starts on the directory after the built command imported it, and the record verifies through the API', async () => {
    const record = oldRecord();
    writeOldStore(oldDir, record);
    const job = spawnNode([IMPORT_JS, oldDir], { DATA_DIR: oldDir });
    expect(await job.exited).toEqual({ code: 0, signal: null });
    expect(job.output()).toContain('Verified');

    const server = await startServer({ DATA_DIR: oldDir });
    const token = adminToken(oldDir);
    const verify = await call(server.base, token, 'GET', '/v1/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, entries: 8, approvalsChecked: 2 });
    const [[, revoked]] = record.approvals;
    const res = await call(server.base, token, 'GET', `/v1/approvals/${revoked.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: revoked.id, status: 'revoked' });
    server.signal('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
