import { Router, type Request, type Response } from 'express';
import { invalid } from '../../approvals/errors';
import { principalOf } from '../authentication';
import type { DecisionDocument } from '../../decisions/document';
import { readDecision, type DecisionDeps } from '../../decisions/read';
import { renderDecisionDocument } from '../views/decisionDocument';
import { sendJsonOrHtml } from '../negotiation';

/** The written decisions (afgørelser) of an approval: JSON, or a page to print, by Accept. */
export function decisionRoutes(deps: DecisionDeps): Router {
  const router = Router();

  const send = (req: Request, res: Response, doc: DecisionDocument) => {
    sendJsonOrHtml(req, res, doc, renderDecisionDocument, 'Afgørelsen');
  };

  router.get('/v1/approvals/:id/decision', async (req, res) => {
    send(req, res, await readDecision(deps, principalOf(res), req.params.id as string));
  });

  router.get('/v1/approvals/:id/decisions/:n', async (req, res) => {
    const n = req.params.n as string;
    if (!/^[1-9][0-9]{0,5}$/.test(n)) {
      throw invalid('Afgørelsens nummer er ugyldigt', [{ pointer: 'path:n', message: 'skal være et helt tal fra 1 (den første afgørelse i historikken)', code: 'invalid-decision-number' }]);
    }
    send(req, res, await readDecision(deps, principalOf(res), req.params.id as string, Number(n)));
  });
  return router;
}
