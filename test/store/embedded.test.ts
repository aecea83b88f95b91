import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../src/store/embedded';
import { ApprovalInForceError, StoreUnavailableError } from '../../src/store/errors';
import type { ApprovalRecord, AuditEntry, EvaluationRecord, Store } from '../../src/store/types';
import { storeContract, type StoreHarness } from './contract';
import { approval, evaluation, provider } from './support/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const TS_REGISTER = path.join(ROOT, 'test/support/tsRegister.js');
const CRASH_WRITER = path.join(ROOT, 'test/store/support/crashWriter.ts');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'sf-store-'));
}

async function openStore(dataDir: string): Promise<EmbeddedStore> {
  const store = new EmbeddedStore(dataDir);
  await store.init();
  return store;
}

/** Rewrites the stored audit entry `seq` inside the datafile (store must be closed). */
function tamperAuditFile(dataDir: string, seq: number, change: Partial<AuditEntry>): void {
  const file = path.join(dataDir, 'audit.db');
  let found = false;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      const row = JSON.parse(line) as { seq?: number; doc?: string };
      if (row.seq !== seq || typeof row.doc !== 'string') return line;
      found = true;
      return JSON.stringify({ ...row, doc: JSON.stringify({ ...(JSON.parse(row.doc) as AuditEntry), ...change }) });
    });
  if (!found) throw new Error(`audit entry ${seq} not found in ${file}`);
  writeFileSync(file, lines.join('\n'));
}

storeContract('EmbeddedStore (nedb files)', async (): Promise<StoreHarness> => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const harness: StoreHarness = {
    store: await openStore(dataDir),
    async reopen() {
      await harness.store.close();
      harness.store = await openStore(dataDir);
      return harness.store;
    },
    async tamperAudit(seq, change) {
      await harness.store.close();
      tamperAuditFile(dataDir, seq, change);
      harness.store = await openStore(dataDir);
      return harness.store;
    },
    async destroy() {
      await harness.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
});

describe('EmbeddedStore on disk', () => {
  let dir: string;
  let dataDir: string;
  const stores: Store[] = [];
  const track = <T extends Store>(s: T): T => {
    stores.push(s);
    return s;
  };

  beforeEach(() => {
    dir = tempDir();
    dataDir = path.join(dir, 'data');
  });

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the data directory with one datafile per collection, readable by the owner only', async () => {
    track(await openStore(dataDir));
    const files = readdirSync(dataDir).sort();
    expect(files).toEqual(['approvals.db', 'audit.db', 'capacityChanges.db', 'evaluation-bodies.jsonl', 'evaluations.db', 'leases.db', 'recheckRuns.db', 'rechecks.db']);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const f of files) expect(statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);
  });

  it('writes acknowledged before kill -9 of the writing process are all there after reopening', async () => {
    mkdirSync(dataDir);
    const child = spawn(process.execPath, ['--require', TS_REGISTER, CRASH_WRITER, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = once(child, 'close');

    // Let it acknowledge a good number of iterations, then kill it while it is in the middle of writing.
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`crash writer exited early (${code}): ${stderr}`));
      const onData = () => {
        if (stdout.split('\n').length > 60) {
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', onExit);
    });
    child.kill('SIGKILL');
    await closed; // every byte the child wrote to its stdout has now been read
    expect(child.signalCode).toBe('SIGKILL');

    const acks = stdout
      .split('\n')
      .filter((line) => line.endsWith('}'))
      .map((line) => JSON.parse(line) as { i: number; approvalId: string; anchorId: string; anchorVersion: number; seq: number });
    expect(acks.length).toBeGreaterThanOrEqual(60);
    const last = acks[acks.length - 1];

    const store = track(await openStore(dataDir));
    for (const ack of acks) expect(await store.getApproval(ack.approvalId)).not.toBeNull();
    const anchor = await store.getApproval(last.anchorId);
    expect(anchor?.version).toBeGreaterThanOrEqual(last.anchorVersion);
    const verification = await store.verifyAuditChain();
    expect(verification.ok).toBe(true);
    expect(verification.ok && verification.entries).toBeGreaterThanOrEqual(last.seq);
    // And it carries on from where the dead process stopped.
    const next = await store.appendAudit({ at: 'x', subject: 's', action: 'a', entityType: 't', entityId: 'e', summary: {} });
    expect(next.seq).toBe((verification.ok ? verification.entries : 0) + 1);
  });

  it('writes issued before close() complete and persist; operations after close() are refused', async () => {
    const store = await openStore(dataDir);
    const records = Array.from({ length: 20 }, () => approval());
    const writes = records.map((r) => store.insertApproval(r));
    const audit = store.appendAudit({ at: 'x', subject: 's', action: 'a', entityType: 't', entityId: 'e', summary: {} });
    await store.close();
    await Promise.all([...writes, audit]);
    await expect(store.getApproval(records[0].id)).rejects.toBeInstanceOf(StoreUnavailableError);
    const reopened = track(await openStore(dataDir));
    for (const r of records) expect(await reopened.getApproval(r.id)).toEqual(r);
    expect(await reopened.verifyAuditChain()).toEqual({ ok: true, entries: 1 });
  });

  it('keeps evaluation records in the bodies file: the evaluations datafile, which nedb holds in memory, has only their index entries', async () => {
    const store = track(await openStore(dataDir));
    const records = Array.from({ length: 3 }, (_, i) => evaluation({ approvalId: 'a-1', createdAt: `2026-03-0${i + 1}T10:00:00.000Z`, createdBy: `marker-${i}` }));
    for (const r of records) await store.insertEvaluation(r);
    const index = readFileSync(path.join(dataDir, 'evaluations.db'), 'utf8');
    const bodies = readFileSync(path.join(dataDir, 'evaluation-bodies.jsonl'), 'utf8');
    for (const r of records) {
      expect(index).toContain(r.id);
      expect(index).not.toContain(r.createdBy);
      expect(bodies).toContain(r.createdBy);
    }
    await store.close();
    const reopened = track(await openStore(dataDir));
    for (const r of records) expect(await reopened.getEvaluation(r.id)).toEqual(r);
    expect(await reopened.latestEvaluationForApproval('a-1')).toEqual(records[2]);
  });

  it('a record that carries evidence read from the store (a re-check) points at the evidence already written instead of writing it again', async () => {
    const store = track(await openStore(dataDir));
    const bodies = path.join(dataDir, 'evaluation-bodies.jsonl');
    const first = evaluation({ approvalId: 'a-1', evidence: { staff: Array.from({ length: 50 }, (_, i) => ({ ref: `S${i}`, fte: 1, educations: ['paedagog'] })) } });
    await store.insertEvaluation(first);
    const evidenceBytes = Buffer.byteLength(JSON.stringify(first.evidence));
    const read = (await store.getEvaluation(first.id)) as EvaluationRecord;
    const before = statSync(bodies).size;
    const recheck = evaluation({ approvalId: 'a-1', createdAt: '2026-09-01T10:00:00.000Z', evidence: read.evidence });
    await store.insertEvaluation(recheck);
    expect(statSync(bodies).size - before).toBeLessThan(evidenceBytes);
    // Fresh evidence, even with the same content, is written as given.
    const resent = evaluation({ approvalId: 'a-1', createdAt: '2026-10-01T10:00:00.000Z', evidence: structuredClone(first.evidence) });
    const beforeResent = statSync(bodies).size;
    await store.insertEvaluation(resent);
    expect(statSync(bodies).size - beforeResent).toBeGreaterThan(evidenceBytes);

    await store.close();
    const reopened = track(await openStore(dataDir));
    expect(await reopened.getEvaluation(recheck.id)).toEqual(recheck);
    expect(await reopened.getEvaluation(resent.id)).toEqual(resent);
    expect((await reopened.latestEvaluationForApproval('a-1'))?.evidence).toEqual(first.evidence);
  });

  it('evidence handed out by the store cannot be changed in place, so a record that reuses it stores what it shows', async () => {
    const store = track(await openStore(dataDir));
    const record = evaluation();
    await store.insertEvaluation(record);
    const read = (await store.getEvaluation(record.id)) as EvaluationRecord;
    const staff = (read.evidence as { staff: { fte: number }[] }).staff;
    expect(() => {
      staff[0].fte = 99;
    }).toThrow(TypeError);
    expect(await store.getEvaluation(record.id)).toEqual(record);
  });

  it('evidence read before the bodies file was replaced is written again into the new file, not pointed at', async () => {
    const store = track(await openStore(dataDir));
    const first = evaluation();
    await store.insertEvaluation(first);
    const read = (await store.getEvaluation(first.id)) as EvaluationRecord;
    const file = path.join(dataDir, 'evaluation-bodies.jsonl');
    renameSync(file, `${file}.old`);
    writeFileSync(file, `${JSON.stringify({ other: 'content '.repeat(20) })}\n`, { mode: 0o600 });
    await expect(store.insertEvaluation(evaluation())).rejects.toBeInstanceOf(StoreUnavailableError);
    const recheck = evaluation({ evidence: read.evidence });
    await store.insertEvaluation(recheck);
    expect(await store.getEvaluation(recheck.id)).toEqual(recheck);
  });

  it('reads evaluations from data directories written before bodies moved out of nedb (record inline in the datafile)', async () => {
    mkdirSync(dataDir, { mode: 0o700 });
    const old = evaluation({ approvalId: 'a-old' });
    const line = { id: old.id, approvalId: old.approvalId, createdAt: old.createdAt, doc: JSON.stringify(old), _id: 'legacy000000001' };
    writeFileSync(path.join(dataDir, 'evaluations.db'), `${JSON.stringify(line)}\n`, { mode: 0o600 });
    const store = track(await openStore(dataDir));
    expect(await store.getEvaluation(old.id)).toEqual(old);
    expect(await store.latestEvaluationForApproval('a-old')).toEqual(old);
    const added = evaluation({ approvalId: 'a-old', createdAt: '2026-04-01T10:00:00.000Z' });
    await store.insertEvaluation(added);
    expect(await store.latestEvaluationForApproval('a-old')).toEqual(added);
  });

  it('keys approvals in force written before the one-in-force rule when it opens, and opens even where two were stored then', async () => {
    mkdirSync(dataDir, { mode: 0o700 });
    const shop = provider({ tilbudId: 'legacy-1' });
    const [older, twin, other] = [approval({ provider: shop }), approval({ provider: shop, createdAt: '2026-03-02T10:00:00.000Z' }), approval()];
    // Envelopes as they were written before: no liveKey.
    const line = (a: ApprovalRecord) => ({ id: a.id, speciale: a.speciale, level: a.level, status: a.status, tilsyn: a.tilsyn, tilbudId: a.provider.tilbudId, cvr: a.provider.cvr, validUntil: a.validUntil, createdAt: a.createdAt, version: a.version, doc: JSON.stringify(a), _id: a.id });
    writeFileSync(path.join(dataDir, 'approvals.db'), [older, twin, other].map((a) => `${JSON.stringify(line(a))}\n`).join(''), { mode: 0o600 });
    const store = track(await openStore(dataDir));
    for (const a of [older, twin, other]) expect(await store.getApproval(a.id)).toEqual(a);
    await expect(store.insertApproval(approval({ provider: shop }))).rejects.toBeInstanceOf(ApprovalInForceError);
    await expect(store.insertApproval(approval({ provider: other.provider }))).rejects.toMatchObject({ inForceId: other.id });
  });

  it('a bodies file that was truncated or replaced answers StoreUnavailableError, never another record; restoring it resumes service', async () => {
    const store = track(await openStore(dataDir));
    const first = evaluation();
    await store.insertEvaluation(first);
    const file = path.join(dataDir, 'evaluation-bodies.jsonl');
    renameSync(file, `${file}.aside`);
    writeFileSync(file, '', { mode: 0o600 });

    const refused = evaluation();
    await expect(store.insertEvaluation(refused)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.getEvaluation(first.id)).rejects.toBeInstanceOf(StoreUnavailableError);

    renameSync(`${file}.aside`, file);
    expect(await store.getEvaluation(first.id)).toEqual(first);
    expect(await store.getEvaluation(refused.id)).toBeNull();
    await store.insertEvaluation(refused);
    expect(await store.getEvaluation(refused.id)).toEqual(refused);
  });

  it('evaluations appended after a torn last line (a crash mid-write) read back intact', async () => {
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(path.join(dataDir, 'evaluation-bodies.jsonl'), '{"id":"torn","evidence":{"sta', { mode: 0o600 });
    const store = track(await openStore(dataDir));
    const record = evaluation();
    await store.insertEvaluation(record);
    await store.close();
    const reopened = track(await openStore(dataDir));
    expect(await reopened.getEvaluation(record.id)).toEqual(record);
  });

  it('compacts the append-only datafiles when it opens', async () => {
    const store = track(await openStore(dataDir));
    const a = approval();
    await store.insertApproval(a);
    for (let v = 1; v <= 5; v++) expect(await store.updateApproval({ ...a, reason: `update ${v}` }, v)).toBe(true);
    await store.close();
    const linesFor = (id: string) => readFileSync(path.join(dataDir, 'approvals.db'), 'utf8').split('\n').filter((l) => l.includes(id)).length;
    expect(linesFor(a.id)).toBe(6);
    const reopened = track(await openStore(dataDir));
    expect(linesFor(a.id)).toBe(1);
    expect((await reopened.getApproval(a.id))?.version).toBe(6);
  });

  it('a datafile that cannot be written makes writes and ping fail with StoreUnavailableError, and recovery needs no restart', async () => {
    // Simulated by putting a directory where the datafile is: appending to it fails (EISDIR) even for
    // root, to whom permission bits mean nothing. The permission-based variant is the next test.
    const store = track(await openStore(dataDir));
    const kept = approval();
    await store.insertApproval(kept);
    await store.appendAudit({ at: 'x', subject: 's', action: 'first', entityType: 't', entityId: 'e', summary: {} });
    const block = (name: string) => {
      const file = path.join(dataDir, `${name}.db`);
      renameSync(file, `${file}.aside`);
      mkdirSync(file);
      return () => {
        rmdirSync(file);
        renameSync(`${file}.aside`, file);
      };
    };
    const unblockApprovals = block('approvals');
    const unblockAudit = block('audit');

    const refused = approval();
    await expect(store.insertApproval(refused)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.appendAudit({ at: 'x', subject: 's', action: 'lost', entityType: 't', entityId: 'e', summary: {} })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    // Memory cannot be trusted after a failed append, and the file cannot be read back: reads wait too.
    await expect(store.getApproval(kept.id)).rejects.toBeInstanceOf(StoreUnavailableError);
    // Collections whose files are fine keep working.
    await expect(store.getEvaluation('x')).resolves.toBeNull();

    unblockApprovals();
    unblockAudit();
    await expect(store.ping()).resolves.toBeUndefined();
    // The refused writes left no trace: no phantom approval, no gap or stray link in the chain.
    expect(await store.getApproval(refused.id)).toBeNull();
    expect(await store.getApproval(kept.id)).toEqual(kept);
    await store.insertApproval(refused);
    expect(await store.getApproval(refused.id)).toEqual(refused);
    const second = await store.appendAudit({ at: 'x', subject: 's', action: 'second', entityType: 't', entityId: 'e', summary: {} });
    expect(second.seq).toBe(2);
    expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 2 });

    await store.close();
    const reopened = track(await openStore(dataDir));
    expect(await reopened.getApproval(refused.id)).toEqual(refused);
    expect(await reopened.verifyAuditChain()).toEqual({ ok: true, entries: 2 });
  });

  describe('read-only data directory (permission bits)', () => {
    const NOBODY = 65534;
    const bypassed = permissionsBypassed();
    const canDrop = bypassed && process.geteuid?.() === 0 && typeof process.seteuid === 'function';
    if (bypassed && canDrop) {
      console.log(
        'EmbeddedStore read-only test: running as root, which ignores permission bits, so the store runs under the unprivileged effective uid 65534 for this test',
      );
    } else if (bypassed) {
      console.log('EmbeddedStore read-only test SKIPPED: permission bits do not stop this process (root / CAP_DAC_OVERRIDE) and it cannot switch to an unprivileged uid');
    }
    const test = !bypassed || canDrop ? it : it.skip;

    test('making the directory and datafiles read-only makes writes fail with StoreUnavailableError, restoring permissions makes them succeed', async () => {
      mkdirSync(dataDir, { mode: 0o700 });
      if (canDrop) {
        chmodSync(dir, 0o755); // let uid 65534 reach dataDir
        chownSync(dataDir, NOBODY, NOBODY);
        process.seteuid!(NOBODY);
      }
      try {
        const store = track(await openStore(dataDir));
        const kept = approval();
        await store.insertApproval(kept);
        const files = readdirSync(dataDir).map((f) => path.join(dataDir, f));
        for (const f of files) chmodSync(f, 0o400);
        chmodSync(dataDir, 0o500);

        const refused = approval();
        await expect(store.insertApproval(refused)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.appendAudit({ at: 'x', subject: 's', action: 'a', entityType: 't', entityId: 'e', summary: {} })).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);

        chmodSync(dataDir, 0o700);
        for (const f of files) chmodSync(f, 0o600);
        await expect(store.ping()).resolves.toBeUndefined();
        expect(await store.getApproval(refused.id)).toBeNull();
        await store.insertApproval(refused);
        expect(await store.getApproval(refused.id)).toEqual(refused);
        expect(await store.getApproval(kept.id)).toEqual(kept);
        expect((await store.appendAudit({ at: 'x', subject: 's', action: 'a', entityType: 't', entityId: 'e', summary: {} })).seq).toBe(1);
        await store.close();
      } finally {
        if (canDrop) process.seteuid!(0);
      }
    });
  });
});

/** True when permission bits do not stop this process from writing (root, CAP_DAC_OVERRIDE). */
function permissionsBypassed(): boolean {
  const probeDir = mkdtempSync(path.join(tmpdir(), 'sf-perm-probe-'));
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
