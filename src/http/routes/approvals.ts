import { Router } from 'express';
import type { ApprovalService, DecisionRequest } from '../../approvals/service';
import { principalOf, requireRole } from '../authentication';
import { allTilsyn } from '../../geography';
import { APPROVAL_STATUSES } from '../../approvals/status';
import { LEVELS } from '../../rules/types';
import { methodNotAllowed } from '../errors';
import { bodyMatchesContract } from '../validation';
import { dateQuery, enumQuery, intQuery, stringQuery } from './query';

export function approvalRoutes(service: ApprovalService): Router {
  const router = Router();
  const decide = requireRole('inspector', 'admin');
  // Revoking and renewing: a socialtilsyn's specialfunktion, or Socialstyrelsen's rådgivningsfunktion (the domain decides which).
  const revokeOrRenew = requireRole('inspector', 'socialstyrelsen', 'admin');

  router.post('/v1/approvals', decide, bodyMatchesContract('post', '/v1/approvals'), async (req, res) => {
    const approval = await service.decide(principalOf(res), req.body as DecisionRequest);
    res.status(201).location(`/v1/approvals/${approval.id}`).setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });

  router.get('/v1/approvals', async (req, res) => {
    const q = req.query;
    const page = await service.listApprovals(
      principalOf(res),
      {
        speciale: stringQuery(q.speciale, 'speciale', /^[a-z0-9-]{1,60}$/),
        level: enumQuery(q.level, 'level', LEVELS),
        status: enumQuery(q.status, 'status', APPROVAL_STATUSES),
        tilsyn: enumQuery(q.tilsyn, 'tilsyn', allTilsyn()),
        tilbudId: stringQuery(q.tilbudId, 'tilbudId', /^[0-9]{1,10}$/),
        cvr: stringQuery(q.cvr, 'cvr', /^[0-9]{8}$/),
        expiringBefore: dateQuery(q.expiringBefore, 'expiringBefore'),
      },
      { limit: intQuery(q.limit, 'limit', 1, 200) ?? 50, cursor: stringQuery(q.cursor, 'cursor', /^[A-Za-z0-9_-]{1,500}$/) },
    );
    res.json(page);
  });
  router.all('/v1/approvals', methodNotAllowed(['GET', 'POST']));

  router.get('/v1/approvals/:id', async (req, res) => {
    const approval = await service.getApproval(principalOf(res), req.params.id);
    res.setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });
  router.all('/v1/approvals/:id', methodNotAllowed(['GET']));

  router.post('/v1/approvals/:id/revoke', revokeOrRenew, bodyMatchesContract('post', '/v1/approvals/{id}/revoke'), async (req, res) => {
    const approval = await service.revoke(principalOf(res), req.params.id as string, req.body);
    res.setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });
  router.all('/v1/approvals/:id/revoke', methodNotAllowed(['POST']));

  router.post('/v1/approvals/:id/renew', revokeOrRenew, bodyMatchesContract('post', '/v1/approvals/{id}/renew'), async (req, res) => {
    const approval = await service.renew(principalOf(res), req.params.id as string, req.body);
    res.setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });
  router.all('/v1/approvals/:id/renew', methodNotAllowed(['POST']));
  return router;
}
