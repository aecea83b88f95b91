import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecordIntegrity } from '../../src/approvals/integrity';
import { createRecordStore, type RecordStore } from '../../src/approvals/records';
import { StoreIntegrityError } from '../../src/store/errors';
import { ManualClock } from '../../src/time/clock';
import { approval } from '../store/support/fixtures';
import { seedApproval } from '../support/seed';

/** The record's integrity as a process keeps it: checked on a schedule, and writes refused while in doubt. */
let dir: string;
let store: RecordStore;
const clock = new ManualClock('2026-10-01T09:00:00Z');

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sf-integrity-'));
  store = createRecordStore({ dataDir: dir });
  await store.init();
});
afterEach(async () => {
  jest.useRealTimers();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('checks the whole record again every AUDIT_VERIFY_INTERVAL_MINUTES, and a check finding it in doubt stops writes', async () => {
  const integrity = new RecordIntegrity(store, clock);
  const guarded = integrity.guard(store);
  await seedApproval(guarded, approval());
  expect((await integrity.verify()).report.status).toBe('ok');

  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  const checks = jest.spyOn(integrity, 'verify');
  integrity.schedule(15, (error) => {
    throw error;
  });
  jest.advanceTimersByTime(14 * 60_000);
  expect(checks).toHaveBeenCalledTimes(0);
  // An approval stored by a change whose entry does not name it, before the next check.
  const smuggled = approval();
  await store.commit({ approval: { insert: smuggled }, audit: { at: 'x', subject: 's', action: 'test', entityType: 'test', entityId: 'x', summary: {} } });
  jest.advanceTimersByTime(60_000);
  expect(checks).toHaveBeenCalledTimes(1);
  await checks.mock.results[0].value;
  expect(integrity.last()).toMatchObject({ status: 'degraded', approvals: [{ approvalId: smuggled.id, field: 'audit' }] });
  await expect(seedApproval(guarded, approval())).rejects.toBeInstanceOf(StoreIntegrityError);
  integrity.stop();
  jest.advanceTimersByTime(60 * 60_000);
  expect(checks).toHaveBeenCalledTimes(1);
});

it('checks only at start when the interval is 0', () => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  const integrity = new RecordIntegrity(store, clock);
  const checks = jest.spyOn(integrity, 'verify');
  integrity.schedule(0, () => undefined);
  jest.advanceTimersByTime(24 * 60 * 60_000);
  expect(checks).not.toHaveBeenCalled();
});
