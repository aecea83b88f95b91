import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluate } from '../src/evaluation/evaluate';
import type { Evidence } from '../src/evidence/types';
import type { RulesCatalogue } from '../src/rules/catalogue';
import type { Level, Ruleset } from '../src/rules/types';
import { evaluationRecord, type ProviderRef, type RecordChange } from '../src/approvals/records';
import { IN_FORCE_STATUSES } from '../src/approvals/status';
import { SqliteStore } from '../src/store/sqlite';
import { evaluationBody } from './http';
import { median } from './timing';
import { observeTransactions, type Transaction } from './transactions';

/**
 * The cost of one durable commit on this machine: a stored evaluation of a real case (the HTTP bench's
 * body, its evidence and explained result) with its audit entry, as POST /v1/evaluations commits it.
 *
 * - single: commits awaited one after another, each its own transaction and its own fsync;
 * - in flight 8, 32, 128: as many callers each awaiting its commit and issuing the next, so that the
 *   store's group commit puts the commits that arrive in one turn of the event loop into one transaction.
 *
 * The same number of commits per contender, the contenders interleaved round by round on one store, medians.
 * Each provider's evidence differs (its tilbudId), so every commit stores its own evidence as a real one does.
 *
 * Transactions are observed (transactions.ts): how many changes each wrote and how long it held the store's
 * writer thread (better-sqlite3 is synchronous, so that thread waits for the fsync; the event loop does not).
 *
 * Not measured: the same with synchronous=NORMAL. The store sets FULL when it opens the file and has no
 * hook to change it (settings() only reads the pragmas); src/ is not changed for the bench.
 */

export const IN_FLIGHT = [8, 32, 128] as const;

/** One contender in one round. */
interface Sample {
  commitsPerSecond: number;
  /** Median time from calling commit() to its promise settling. */
  latencyUs: number;
  transactions: Transaction[];
}

export interface CommitRow {
  /** 1: awaited one after another. */
  inFlight: number;
  commits: number;
  commitsPerSecond: number;
  /** Median time a caller waits for its commit. */
  latencyUs: number;
  /** Median changes per transaction (null when transactions could not be observed). */
  groupSize: number | null;
  /** Median time one transaction holds the store's writer thread, the fsync included. */
  transactionUs: number | null;
  /** Median over rounds of this contender's commits/s ÷ single commits' in the same round. */
  vsSingle: number;
}

export interface CommitResults {
  synchronous: string;
  rounds: number;
  commitsPerContender: number;
  /** Median µs per single commit: its transaction time (fsync included) as a caller waits for it. */
  singleUs: number;
  rows: CommitRow[];
  normal: { measured: false; why: string };
  dataDir: string;
}

/** The changes to commit: the same evaluation and entry as the service writes, each for another provider. */
async function changeMaker(rules: RulesCatalogue): Promise<() => RecordChange> {
  const request = JSON.parse(evaluationBody()) as { speciale: string; level: Level; evidence: Evidence; asOf: string; version?: string };
  const ruleset = (request.version ? rules.get(request.speciale, request.version) : rules.inForceOn(request.speciale, request.asOf)) as Ruleset;
  const result = await evaluate({ ruleset, level: request.level, evidence: request.evidence, asOf: request.asOf });
  const p = result.provider;
  let n = 0;
  return () => {
    n += 1;
    const provider: ProviderRef = { tilbudId: `${p.tilbudId}-${n}`, cvr: p.cvr, name: p.name, kommunekode: p.kommunekode, region: p.region, tilsyn: p.tilsyn as ProviderRef['tilsyn'] };
    const evidence = { ...request.evidence, provider: { ...request.evidence.provider, tilbudId: provider.tilbudId } };
    const createdAt = new Date().toISOString();
    const record = evaluationRecord(result, { id: randomUUID(), provider, evidence, createdAt, createdBy: 'bench' });
    return {
      evaluation: record,
      audit: {
        at: createdAt,
        subject: 'bench',
        action: 'evaluation.created',
        entityType: 'evaluation',
        entityId: record.id,
        summary: { speciale: record.speciale, level: record.level, tilbudId: provider.tilbudId, rulesetVersion: record.rulesetVersion, overall: record.overall, evidenceHash: record.evidenceHash },
      },
    };
  };
}

/** `count` commits by `inFlight` callers, each awaiting its commit before the next. */
async function commitRun(store: SqliteStore, next: () => RecordChange, inFlight: number, count: number, observed: ReturnType<typeof observeTransactions>): Promise<Sample> {
  observed.take();
  const latencies: number[] = [];
  let issued = 0;
  const caller = async () => {
    while (issued < count) {
      issued += 1;
      const change = next();
      const start = process.hrtime.bigint();
      const outcome = await store.commit(change);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e3);
      if (!outcome.committed) throw new Error(`a benchmarked commit was refused: ${outcome.reason}`);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, caller));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { commitsPerSecond: count / seconds, latencyUs: median(latencies), transactions: observed.take() };
}

export async function benchCommit(rules: RulesCatalogue, quick: boolean): Promise<CommitResults> {
  const rounds = quick ? 2 : 5;
  // A multiple of every in-flight count, so that no contender ends on a short transaction.
  const count = quick ? 128 : 384;
  const next = await changeMaker(rules);
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-bench-commit-'));
  // The SQLite store itself: the bench reads its settings.
  const observed = observeTransactions();
  const store = new SqliteStore(path.join(dir, 'data'), { inForceStatuses: IN_FORCE_STATUSES, onTransaction: observed.onTransaction });
  try {
    await store.init();
    const synchronous = store.settings().synchronous;
    const contenders = [1, ...IN_FLIGHT];
    // One round first that is not counted: the JIT, the statement caches and the file's first pages.
    for (const inFlight of contenders) await commitRun(store, next, inFlight, 128, observed);
    const samples = new Map<number, Sample[]>(contenders.map((c) => [c, []]));
    for (let round = 0; round < rounds; round++) {
      for (const inFlight of contenders) samples.get(inFlight)?.push(await commitRun(store, next, inFlight, count, observed));
    }
    const single = samples.get(1) as Sample[];
    const rows = contenders.map((inFlight): CommitRow => {
      const own = samples.get(inFlight) as Sample[];
      const transactions = own.flatMap((s) => s.transactions);
      const sized = transactions.filter((t) => Number.isFinite(t.changes));
      return {
        inFlight,
        commits: count,
        commitsPerSecond: median(own.map((s) => s.commitsPerSecond)),
        latencyUs: median(own.map((s) => s.latencyUs)),
        groupSize: sized.length > 0 ? median(sized.map((t) => t.changes)) : null,
        transactionUs: transactions.length > 0 ? median(transactions.map((t) => t.us)) : null,
        vsSingle: median(own.map((s, round) => s.commitsPerSecond / single[round].commitsPerSecond)),
      };
    });
    return {
      synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][synchronous] ?? String(synchronous),
      rounds,
      commitsPerContender: count,
      singleUs: rows[0].latencyUs,
      rows,
      normal: { measured: false, why: 'the store sets synchronous=FULL at open and has no hook to change it (settings() only reads); src/ is not changed for the bench' },
      dataDir: tmpdir(),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
