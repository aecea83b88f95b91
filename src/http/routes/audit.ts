import { Router } from 'express';
import { requireRole } from '../../auth';
import type { Store } from '../../store/types';
import { methodNotAllowed } from '../errors';
import { intQuery } from './query';

/** The audit log can be read and checked, never edited: there is no route that writes to it. */
export function auditRoutes(store: Store): Router {
  const router = Router();
  router.get('/v1/audit', requireRole('admin'), async (req, res) => {
    const limit = intQuery(req.query.limit, 'limit', 1, 500) ?? 100;
    const afterSeq = intQuery(req.query.afterSeq, 'afterSeq', 0, Number.MAX_SAFE_INTEGER);
    const items = await store.listAudit({ limit, afterSeq });
    res.json({ items, ...(items.length === limit ? { nextAfterSeq: items[items.length - 1].seq } : {}) });
  });
  router.all('/v1/audit', methodNotAllowed(['GET']));

  router.get('/v1/audit/verify', requireRole('admin'), async (_req, res) => {
    res.json(await store.verifyAuditChain());
  });
  router.all('/v1/audit/verify', methodNotAllowed(['GET']));
  return router;
}
