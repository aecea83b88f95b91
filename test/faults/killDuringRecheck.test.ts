import { createRecordStore } from '../../src/approvals/records';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BATCH_LEASE, type RecheckRun } from '../../src/approvals/batch';
import { verifyRecord } from '../../src/approvals/integrity';
import { systemClock } from '../../src/time/clock';
import type { AuditEntry, StoredDocument } from '../../src/store/types';
import { RECHECK_JS, ROOT, RULES_DIR, TS_REGISTER, killAll, removeDir, spawnNode, tempDir } from './support/child';

/**
 * kill -9 of the cron re-check job (`node dist/src/jobs/recheck.js`) in the middle of a batch, then
 * running it again: every due approval ends up re-checked exactly once for its due occasion, the
 * second run does exactly what the first left undone (a re-check and its entry commit together, so the
 * first run left nothing half done), and the audit chain and the approvals against it verify.
 */
jest.setTimeout(90_000);

const APPROVALS = 1_000;
const SEEDER = path.join(ROOT, 'test/faults/support/seedDueApprovals.ts');

let dataDir: string;
beforeAll(() => {
  dataDir = tempDir('recheck');
});
afterAll(async () => {
  await killAll();
  removeDir(dataDir);
});

interface RecheckDoc extends StoredDocument {
  runId: string;
  approvalId: string;
}

const job = () => spawnNode([RECHECK_JS], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

it('a batch re-check killed with -9 mid-run is finished by the next run without re-checking anything twice', async () => {
  const seeded = await promisify(execFile)(process.execPath, ['--require', TS_REGISTER, SEEDER, dataDir, RULES_DIR, String(APPROVALS)], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const { ids, dueDate } = JSON.parse(seeded.stdout) as { ids: string[]; dueDate: string };
  expect(ids).toHaveLength(APPROVALS);

  // Run 1: killed right after its first progress line (after PROGRESS_EVERY approvals examined).
  const first = job();
  await first.waitForOutput(/godkendelser gennemgået/, 60_000, 'the first progress line');
  await first.kill9();
  expect(first.proc.signalCode).toBe('SIGKILL');
  expect(first.output()).not.toMatch(/^Færdig/m);

  // Straight after, the dead run's lease still stands (TTL 60 s): a new run refuses (EX_TEMPFAIL) and touches nothing.
  const refused = job();
  expect((await refused.exited).code).toBe(75);
  expect(refused.output()).toMatch(/lease/);

  // Let the lease run out: take it with a clock 61 s ahead (as if cron came back later) and release it.
  {
    const store = createRecordStore({ dataDir });
    await store.init();
    try {
      expect(await store.acquireLease(BATCH_LEASE, 'fault-test', 1_000, new Date(Date.now() + 61_000))).toBe(true);
      await store.releaseLease(BATCH_LEASE, 'fault-test');
    } finally {
      await store.close();
    }
  }

  // Run 2: to completion.
  const second = job();
  const { code } = await second.exited;
  expect({ code, output: second.output() }).toMatchObject({ code: 0 });
  const summary =
    /Færdig på \d+ ms: (\d+) gennemgået = i orden (\d+) \+ i risiko (\d+) \+ dokumentation forældet (\d+) \+ udløbet (\d+) \+ allerede gjort (\d+) \+ ikke forfaldne (\d+) \+ fejl (\d+)/.exec(
      second.output(),
    );
  expect(summary).not.toBeNull();
  const [examined, compliant, atRisk, overdue, expired, skipped, notDue, failures] = summary!.slice(1).map(Number);
  // The summary adds up.
  expect(compliant + atRisk + overdue + expired + skipped + notDue + failures).toBe(examined);
  const secondDone = compliant + atRisk + overdue + expired;
  expect(failures).toBe(0);

  const store = createRecordStore({ dataDir });
  await store.init();
  try {
    const runs = await store.findDocuments<RecheckRun>('recheckRuns', {});
    expect(runs.map((r) => r.status).sort()).toEqual(['finished', 'interrupted']);
    const run1 = runs.find((r) => r.status === 'interrupted')!;
    const run2 = runs.find((r) => r.status === 'finished')!;
    expect(run1.examined).toBeGreaterThanOrEqual(100); // its progress was saved before it died
    expect(run2.counts).toEqual({ compliant, 'at-risk': atRisk, 'evidence-overdue': overdue, expired, skipped, notDue });

    const done = await store.findDocuments<RecheckDoc>('rechecks', {});
    const doneBy = (runId: string) => done.filter((d) => d.runId === runId).length;
    const firstDone = doneBy(run1.id);
    expect(firstDone).toBeGreaterThanOrEqual(90);
    expect(firstDone).toBeLessThan(APPROVALS);
    expect(doneBy(run2.id)).toBe(secondDone);
    const doneKeys = new Set(done.map((d) => d.id));

    // Every due approval: exactly one re-check, for this due occasion, with its own evaluation.
    const problems: string[] = [];
    let unrecorded = 0;
    for (const id of ids) {
      const approval = await store.getApproval(id);
      const rechecks = (approval?.history ?? []).filter((h) => h.type === 'recheck');
      const key = `${id}:schedule:${dueDate}`;
      if (rechecks.length !== 1) {
        problems.push(`${id}: ${rechecks.length} recheck entries`);
        continue;
      }
      const [entry] = rechecks;
      if (entry.details?.dueKey !== key || entry.details?.trigger !== 'schedule') problems.push(`${id}: ${JSON.stringify(entry.details)}`);
      if (approval!.nextDueDate! <= dueDate) problems.push(`${id}: still due (${approval!.nextDueDate})`);
      const latest = await store.latestEvaluationForApproval(id);
      if (latest?.id !== entry.evaluationId) problems.push(`${id}: latest evaluation ${latest?.id} is not the re-check's ${entry.evaluationId}`);
      if (!doneKeys.has(key)) unrecorded++;
    }
    expect(problems).toEqual([]);
    expect(unrecorded).toBe(0);
    // Run 1's finished work and run 2's add up to every due approval; nothing was skipped or done twice.
    expect(firstDone + secondDone).toBe(APPROVALS);
    expect(skipped).toBe(0);

    // The audit log: a verifying chain with exactly one re-check entry for every approval, for its one evaluation.
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true });
    const entries: AuditEntry[] = [];
    for (let afterSeq = 0, pages = 0; pages < 1000; pages++) {
      const page = await store.listAudit({ limit: 1000, afterSeq });
      entries.push(...page);
      if (page.length < 1000) break;
      afterSeq = page[page.length - 1].seq;
    }
    const audited = new Map<string, unknown[]>();
    for (const e of entries) {
      if (e.action === 'approval.rechecked') audited.set(e.entityId, [...(audited.get(e.entityId) ?? []), e.summary.evaluationId]);
    }
    expect(audited.size).toBe(APPROVALS);
    expect([...audited.values()].filter((evaluations) => evaluations.length !== 1)).toEqual([]);
    expect((await verifyRecord(store, systemClock)).report).toMatchObject({ status: 'ok', approvals: APPROVALS });
  } finally {
    await store.close();
  }
});
