import type Database from 'better-sqlite3';
import { verifySignedHead } from '../../src/audit/signing';
import { auditEntryHash } from '../../src/store/auditHash';
import type { AuditEntry } from '../../src/store/types';
import { eligibleEvidence } from '../support/builders';
import { behindTheBack as changedBehindTheBack, capturedLogger } from '../support/behindTheBack';
import { apiCaller, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/**
 * The record beyond doubt, through the API: approvals checked against their audit entries, a head kept
 * elsewhere finding what the chain alone cannot, an append refused where the chain's link does not hold,
 * and decisions stopped (reads going on) while the record is in doubt.
 */
let svc: TestService;
let logLines: string[];
const call = apiCaller(() => svc);

beforeEach(async () => {
  const captured = capturedLogger();
  logLines = captured.lines;
  svc = await startTestService({ logger: captured.logger });
});
afterEach(async () => {
  await svc.close();
});

/** Someone with access to the database file, working behind the service's back. */
const behindTheBack = <T>(work: (db: Database.Database) => T): T => changedBehindTheBack(svc.dataDir, work);

async function evaluate(tilbudId = '100'): Promise<string> {
  const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, tilbudId } };
  const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function approve(tilbudId = '100'): Promise<string> {
  const res = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluate(tilbudId), decision: 'approved', reason: 'Kriterierne er opfyldt' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const problemType = (code: string) => `https://specialfunktion.dk/problems/${code}`;

describe('approvals checked against the audit chain', () => {
  it('finds an approval set back from revoked to active behind the service’s back, shows it in /ready and stops decisions while reads go on', async () => {
    const id = await approve();
    expect((await call('post', `/v1/approvals/${id}/revoke`, 'midt', { reason: 'Kriterierne er ikke længere opfyldt' })).status).toBe(200);
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true, approvalsChecked: 1 });

    behindTheBack((db) =>
      db.prepare(`UPDATE approvals SET status = 'active', in_force = 1, record = json_set(record, '$.status', 'active') WHERE id = ?`).run(id),
    );

    const verify = await call('get', '/v1/audit/verify', 'admin');
    expect(verify.body).toMatchObject({ ok: false, discrepancyCount: 1, approvals: [{ approvalId: id, field: 'status', expected: 'revoked', stored: 'active' }] });
    const ready = await call('get', '/ready', 'admin');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', integrity: { status: 'degraded', approvals: [{ approvalId: id, field: 'status' }] } });
    expect(logLines.map((l) => JSON.parse(l)).find((e) => e.level === 50 && e.integrity)).toMatchObject({ integrity: { approvals: [{ approvalId: id }] } });

    const entriesBefore = (await call('get', '/v1/audit', 'admin')).body.items.length;
    for (const attempt of [
      () => call('post', `/v1/approvals/${id}/revoke`, 'midt', { reason: 'igen' }),
      () => call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() }),
      () => call('post', `/v1/approvals/${id}/recheck`, 'midt'),
    ]) {
      const res = await attempt();
      expect({ status: res.status, type: res.body.type, retryAfter: res.headers['retry-after'] }).toEqual({ status: 503, type: problemType('store-integrity'), retryAfter: undefined });
    }
    const batch = await svc.batch.run();
    expect(batch).toMatchObject({ status: 'finished' });
    expect((await call('get', '/v1/audit', 'admin')).body.items).toHaveLength(entriesBefore);
    expect((await call('get', `/v1/approvals/${id}`, 'midt')).status).toBe(200);
    expect((await call('get', '/v1/register', 'admin')).status).toBe(200);
  });

  it('finds any other field of an approval edited behind the service’s back, and one no entry names', async () => {
    const id = await approve();
    behindTheBack((db) => db.prepare(`UPDATE approvals SET record = json_set(record, '$.reason', 'noget andet') WHERE id = ?`).run(id));
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: false, approvals: [{ approvalId: id, field: 'recordHash' }] });

    behindTheBack((db) => {
      const row = db.prepare('SELECT * FROM approvals WHERE id = ?').get(id) as Record<string, unknown>;
      const record = { ...JSON.parse(row.record as string), id: 'smuggled-in', status: 'rejected' };
      db.prepare(`INSERT INTO approvals (id, speciale, level, status, tilsyn, tilbud_id, cvr, valid_until, created_at, version, in_force, record) VALUES (?, ?, ?, 'rejected', ?, ?, ?, ?, ?, 1, NULL, ?)`).run(
        'smuggled-in', row.speciale, row.level, row.tilsyn, row.tilbud_id, row.cvr, row.valid_until, row.created_at, JSON.stringify(record),
      );
    });
    const verify = (await call('get', '/v1/audit/verify', 'admin')).body;
    expect(verify.approvals).toEqual(expect.arrayContaining([expect.objectContaining({ approvalId: 'smuggled-in', field: 'audit' })]));
  });
});

describe('an anchored audit chain', () => {
  it('signs the newest head with a key anyone can fetch, and the signature holds', async () => {
    expect((await call('get', '/v1/audit/head', 'admin')).body).toEqual({ seq: 0, hash: null, at: null });
    await approve();
    const head = await call('get', '/v1/audit/head', 'admin');
    const key = await call('get', '/v1/audit/public-key', 'admin');
    expect(head.body).toMatchObject({ seq: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(verifySignedHead(head.body, key.body.publicKeyPem)).toBe(true);
    expect(verifySignedHead({ ...head.body, seq: 1 }, key.body.publicKeyPem)).toBe(false);
    expect(key.body.keyId).toBe(head.body.keyId);
  });

  it('answers the head and the key without a token', async () => {
    const { default: request } = await import('supertest');
    expect((await request(svc.app).get('/v1/audit/head')).status).toBe(200);
    expect((await request(svc.app).get('/v1/audit/public-key')).status).toBe(200);
    expectProblem(await request(svc.app).get('/v1/audit/verify'), 401, 'unauthenticated');
  });

  it('writes the new signed head to the log with every decision', async () => {
    const id = await approve();
    await call('post', `/v1/approvals/${id}/revoke`, 'midt', { reason: 'x' });
    const heads = logLines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'audit head').map((e) => e.auditHead);
    expect(heads.map((h) => h.seq)).toEqual([2, 3]);
    const key = (await call('get', '/v1/audit/public-key', 'admin')).body.publicKeyPem;
    for (const h of heads) expect(verifySignedHead(h, key)).toBe(true);
  });

  it('finds entries deleted from the end against a head taken before, also when the recorded head was rewritten to match', async () => {
    for (const tilbudId of ['100', '101', '102']) await evaluate(tilbudId);
    const kept = (await call('get', '/v1/audit/head', 'admin')).body;
    await evaluate('103');
    expect((await call('get', '/v1/audit/verify', 'admin', undefined)).body).toMatchObject({ ok: true, entries: 4 });
    expect((await call('get', `/v1/audit/verify?head=${kept.seq}:${kept.hash}`, 'admin')).body).toMatchObject({ ok: true, givenHead: { ok: true } });

    behindTheBack((db) => {
      db.prepare('DELETE FROM audit WHERE seq >= 3').run();
      const last = db.prepare('SELECT seq, hash FROM audit WHERE seq = 2').get() as { seq: number; hash: string };
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(last.seq, last.hash);
    });
    // The chain alone still holds together …
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true, entries: 2 });
    // … but not the head kept elsewhere.
    const checked = await call('get', `/v1/audit/verify?head=${kept.seq}:${kept.hash}`, 'admin');
    expect(checked.body).toMatchObject({ ok: false, firstBrokenSeq: 3, givenHead: { seq: 3, ok: false } });
  });

  it('finds an entry edited with every later hash recomputed against a head taken before', async () => {
    for (const tilbudId of ['100', '101', '102']) await evaluate(tilbudId);
    const kept = (await call('get', '/v1/audit/head', 'admin')).body;
    behindTheBack((db) => {
      const rows = db.prepare('SELECT seq, hash, entry FROM audit ORDER BY seq').all() as { seq: number; hash: string; entry: string }[];
      let prevHash = '0'.repeat(64);
      for (const row of rows) {
        const entry = { ...JSON.parse(row.entry), seq: row.seq, prevHash } as Omit<AuditEntry, 'hash'>;
        if (row.seq === 2) entry.subject = 'someone-else';
        const hash = auditEntryHash(entry);
        const { seq: _seq, ...rest } = entry;
        db.prepare('UPDATE audit SET hash = ?, entry = ? WHERE seq = ?').run(hash, JSON.stringify(rest), row.seq);
        prevHash = hash;
      }
      db.prepare('UPDATE audit_head SET hash = ?').run(prevHash);
    });
    expect((await call('get', '/v1/audit/verify', 'admin')).body).toMatchObject({ ok: true });
    expect((await call('get', `/v1/audit/verify?head=${kept.seq}:${kept.hash}`, 'admin')).body).toMatchObject({ ok: false, givenHead: { ok: false } });
  });

  it('refuses a malformed head with 422 naming the parameter', async () => {
    const res = await call('get', '/v1/audit/verify?head=3:nothex', 'admin');
    expectProblem(res, 422, 'validation-failed', ['query:head pattern-mismatch']);
  });

  it('refuses an append whose link to the newest entry does not hold, writes nothing, and reports the record in doubt', async () => {
    await evaluate('100');
    await evaluate('101');
    behindTheBack((db) => db.prepare(`UPDATE audit SET entry = json_set(entry, '$.subject', 'someone-else') WHERE seq = 2`).run());
    const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
    expect({ status: res.status, type: res.body.type, firstBrokenSeq: res.body.firstBrokenSeq }).toEqual({ status: 503, type: problemType('store-integrity'), firstBrokenSeq: 2 });
    expect(res.headers['retry-after']).toBeUndefined();
    expect(behindTheBack((db) => (db.prepare('SELECT COUNT(*) AS n FROM evaluations').get() as { n: number }).n)).toBe(2);
    expect((await call('get', '/ready', 'admin')).body).toMatchObject({ status: 'degraded', integrity: { chain: { firstBrokenSeq: 2 } } });
  });
});
