import { Router } from 'express';
import { principalOf } from '../authentication';
import { buildWorklist, type WorklistDeps, type WorklistFilter } from '../../worklist/worklist';
import { renderWorklistPage } from '../views/worklistPage';
import { contractQuery } from './query';
import { sendJsonOrHtml } from '../negotiation';

/** The inspector's worklist: JSON, or a page to print, by Accept. */
export function worklistRoutes(deps: WorklistDeps): Router {
  const router = Router();
  router.get('/v1/worklist', async (req, res) => {
    const list = await buildWorklist(deps, principalOf(res), contractQuery<WorklistFilter>(req));
    sendJsonOrHtml(req, res, list, renderWorklistPage, 'Arbejdslisten');
  });
  return router;
}
