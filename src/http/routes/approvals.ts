import { Router } from 'express';
import { notModified } from '../conditional';
import type { ApprovalService, DecisionRequest } from '../../approvals/service';
import { principalOf, requireRole } from '../authentication';
import { bodyMatchesContract } from '../validation';
import type { ApprovalFilter, PageRequest } from '../../store/types';
import { contractQuery } from './query';

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
    const { limit, cursor, ...filter } = contractQuery<ApprovalFilter & PageRequest>(req);
    const page = await service.listApprovals(principalOf(res), filter, { limit, cursor });
    res.json(page);
  });

  router.get('/v1/approvals/:id', async (req, res) => {
    const approval = await service.getApproval(principalOf(res), req.params.id);
    const etag = `"${approval.version}"`;
    res.setHeader('ETag', etag);
    if (notModified(req, etag)) {
      res.status(304).end();
      return;
    }
    res.json(approval);
  });

  router.post('/v1/approvals/:id/revoke', revokeOrRenew, bodyMatchesContract('post', '/v1/approvals/{id}/revoke'), async (req, res) => {
    const approval = await service.revoke(principalOf(res), req.params.id as string, req.body);
    res.setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });

  router.post('/v1/approvals/:id/renew', revokeOrRenew, bodyMatchesContract('post', '/v1/approvals/{id}/renew'), async (req, res) => {
    const approval = await service.renew(principalOf(res), req.params.id as string, req.body);
    res.setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });
  return router;
}
