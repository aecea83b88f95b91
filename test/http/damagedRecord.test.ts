import type Database from 'better-sqlite3';
import { RecordDamagedError } from '../../src/store/errors';
import { parseStoredRecord } from '../../src/store/recordShape';
import { eligibleEvidence } from '../support/builders';
import { behindTheBack as changedBehindTheBack, capturedLogger } from '../support/behindTheBack';
import { apiCaller, startTestService, type TestService } from '../support/testService';

/**
 * One stored record damaged behind the service's back (its JSON cut off, or a field every record has
 * removed): a data-integrity problem, not a retry hint. Reading it answers 500 record-damaged naming the
 * record (never its content) without Retry-After; an error is logged; /ready says so; the other records
 * still read and decisions on them go on.
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

async function approve(tilbudId: string): Promise<string> {
  const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, tilbudId } };
  const ev = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence });
  expect(ev.status).toBe(201);
  const res = await call('post', '/v1/approvals', 'midt', { evaluationId: ev.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const RECORD_DAMAGED = 'https://specialfunktion.dk/problems/record-damaged';

describe.each([
  ['whose JSON does not parse', `UPDATE approvals SET record = substr(record, 1, 40) WHERE id = ?`, 'its JSON does not parse'],
  ['that lacks a field every approval has', `UPDATE approvals SET record = json_remove(record, '$.status') WHERE id = ?`, 'it lacks status'],
])('an approval row %s', (_what, damage, reason) => {
  it('answers 500 record-damaged naming the record, without Retry-After; logs it; /ready says so; the others still read and change', async () => {
    const damaged = await approve('100');
    const other = await approve('200');
    behindTheBack((db) => db.prepare(damage).run(damaged));

    const res = await call('get', `/v1/approvals/${damaged}`, 'midt');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: RECORD_DAMAGED, status: 500, record: { collection: 'approvals', id: damaged } });
    expect(res.headers['retry-after']).toBeUndefined();
    // Named, never shown: nothing of the stored text reaches the client.
    expect(JSON.stringify(res.body)).not.toMatch(/testspeciale|Kriterierne|specialfunktion"/);

    const errors = logLines.map((l) => JSON.parse(l)).filter((e) => e.level >= 50);
    expect(errors.find((e) => e.damagedRecord)).toMatchObject({ damagedRecord: { collection: 'approvals', id: damaged, reason } });

    const ready = await call('get', '/ready', 'admin');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', integrity: { status: 'degraded', damagedRecords: [{ collection: 'approvals', id: damaged, reason }] } });

    // Asked again, the same answer: no retry makes it readable.
    expect((await call('get', `/v1/approvals/${damaged}`, 'midt')).body).toMatchObject({ type: RECORD_DAMAGED, record: { id: damaged } });
    expect((await call('get', '/ready', 'admin')).body.integrity.damagedRecords).toHaveLength(1);

    // The rest of the record reads and changes.
    expect((await call('get', `/v1/approvals/${other}`, 'midt')).status).toBe(200);
    expect((await call('post', `/v1/approvals/${other}/revoke`, 'midt', { reason: 'Kriterierne er ikke længere opfyldt' })).status).toBe(200);

    // The full check names it too, and its state stays the last full result.
    const verify = await call('get', '/v1/audit/verify', 'admin');
    expect(verify.body).toMatchObject({ ok: false, damagedRecords: [{ collection: 'approvals', id: damaged }] });
  });
});

describe('a stored record read back', () => {
  it.each([
    ['{"id":"a1","status":"act', 'its JSON does not parse'],
    ['[1,2]', 'it is not an object'],
    ['{"id":"a1","speciale":"s","level":"specialfunktion","version":1}', 'it lacks status'],
  ])('%s is damaged (%s), named by collection and id', (json, reason) => {
    let thrown: unknown;
    try {
      parseStoredRecord('approvals', 'a1', json);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RecordDamagedError);
    expect(thrown).toMatchObject({ collection: 'approvals', id: 'a1', reason });
    expect((thrown as Error).message).not.toContain('act');
  });
});
