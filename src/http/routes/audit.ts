import { Router } from 'express';
import type { Logger } from 'pino';
import { verifyRecord, type RecordIntegrity } from '../../approvals/integrity';
import type { AuditSigner } from '../../audit/signing';
import { requireRole } from '../authentication';
import type { RecordStore } from '../../approvals/records';
import type { Clock } from '../../time/clock';
import { contractQuery } from './query';

const HEAD_PATTERN = /^([1-9][0-9]{0,15}):([0-9a-f]{64})$/;

export interface AuditRouteDeps {
  store: RecordStore;
  clock: Clock;
  signer: AuditSigner;
  integrity: RecordIntegrity;
  logger: Logger;
}

/**
 * The newest signed head and the key that signs it, public: anyone (Tilbudsportalen, a register poller)
 * can keep heads and later ask an administrator to verify the chain against them.
 */
export function auditHeadRoutes(deps: Pick<AuditRouteDeps, 'store' | 'signer'>): Router {
  const router = Router();
  router.get('/v1/audit/head', async (_req, res) => {
    const head = await deps.store.auditHead();
    res.setHeader('Cache-Control', 'no-store');
    res.json(head ? deps.signer.sign(head) : { seq: 0, hash: null, at: null });
  });
  router.get('/v1/audit/public-key', (_req, res) => {
    res.json(deps.signer.describe());
  });
  return router;
}

/** The audit log can be read and checked, never edited: there is no route that writes to it. */
export function auditRoutes(deps: AuditRouteDeps): Router {
  const { store } = deps;
  const router = Router();
  router.get('/v1/audit', requireRole('admin'), async (req, res) => {
    const { limit, afterSeq } = contractQuery<{ limit: number; afterSeq: number }>(req);
    const items = await store.listAudit({ limit, afterSeq });
    res.json({ items, ...(items.length === limit ? { nextAfterSeq: items[items.length - 1].seq } : {}) });
  });

  // The full check: the chain, every approval against its entries, and (if given) a head kept elsewhere.
  router.get('/v1/audit/verify', requireRole('admin'), async (req, res) => {
    // The contract's pattern for head is checked already; here it is read.
    const raw = contractQuery<{ head?: string }>(req).head;
    const match = raw === undefined ? null : HEAD_PATTERN.exec(raw);
    const head = match ? { seq: Number(match[1]), hash: match[2] } : undefined;
    // Without a head this is the same check as the periodic one, and its result becomes the service's state.
    const outcome = head ? await verifyRecord(store, deps.clock, { head }) : await deps.integrity.verify();
    if (outcome.head && !outcome.head.ok) deps.logger.error({ head, firstBrokenSeq: outcome.head.firstBrokenSeq }, 'audit chain does not hold a head kept elsewhere');
    const r = outcome.report;
    const givenHeadBroken = outcome.head && !outcome.head.ok ? outcome.head : undefined;
    res.json({
      ok: outcome.ok,
      ...(r.status === 'ok' ? { entries: r.entries, head: r.head, approvalsChecked: r.approvals } : {}),
      ...(r.status === 'degraded' && r.chain ? { firstBrokenSeq: r.chain.firstBrokenSeq, reason: r.chain.reason } : {}),
      ...(!(r.status === 'degraded' && r.chain) && givenHeadBroken ? { firstBrokenSeq: givenHeadBroken.firstBrokenSeq, reason: givenHeadBroken.reason } : {}),
      ...(r.status === 'degraded' && r.approvals ? { approvals: r.approvals, discrepancyCount: r.discrepancyCount } : {}),
      ...(r.status === 'degraded' && r.damagedRecords ? { damagedRecords: r.damagedRecords } : {}),
      ...(outcome.head ? { givenHead: { ...head, ...outcome.head } } : {}),
    });
  });
  return router;
}
