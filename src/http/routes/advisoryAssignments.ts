import { Router } from 'express';
import type { ApprovalService, AssignmentRequest } from '../../approvals/service';
import { principalOf } from '../authentication';
import { bodyMatchesContract } from '../validation';

/**
 * Socialstyrelsen assigns a rådgivningsfunktion after a tender. Any role may call: who may assign is the
 * domain's rule (403 `advisory-decided-by-socialstyrelsen` for an inspector), so the refusal carries its code.
 */
export function advisoryAssignmentRoutes(service: ApprovalService): Router {
  const router = Router();
  router.post('/v1/advisory-assignments', bodyMatchesContract('post', '/v1/advisory-assignments'), async (req, res) => {
    const approval = await service.assignAdvisory(principalOf(res), req.body as AssignmentRequest);
    res.status(201).location(`/v1/approvals/${approval.id}`).setHeader('ETag', `"${approval.version}"`);
    res.json(approval);
  });
  return router;
}
