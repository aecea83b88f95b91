import { Router } from 'express';
import type { ApprovalService, EvaluationRequest } from '../../approvals/service';
import { principalOf, requireRole } from '../authentication';
import { bodyMatchesContract } from '../validation';
import { renderEvaluationReport } from '../views/evaluationReport';
import { contractQuery } from './query';
import { sendJsonOrHtml } from '../negotiation';

export function evaluationRoutes(service: ApprovalService): Router {
  const router = Router();

  router.post(
    '/v1/evaluations',
    requireRole('inspector', 'socialstyrelsen', 'admin'),
    bodyMatchesContract('post', '/v1/evaluations'),
    async (req, res) => {
      const { dryRun } = contractQuery<{ dryRun: boolean }>(req);
      // refuseCpr and bodyMatchesContract have checked the evidence's shape already.
      const view = await service.evaluate(principalOf(res), req.body as EvaluationRequest, { dryRun, evidenceShapeChecked: true });
      if (dryRun) {
        res.status(200).json(view);
        return;
      }
      res.status(201).location(`/v1/evaluations/${view.id}`).json(view);
    },
  );
  // GET /v1/evaluations (the list) is routed before this router (evaluationList.ts).

  router.get('/v1/evaluations/:id', async (req, res) => {
    const view = await service.getEvaluation(principalOf(res), req.params.id);
    sendJsonOrHtml(req, res, view, renderEvaluationReport, 'Evalueringen');
  });
  return router;
}
