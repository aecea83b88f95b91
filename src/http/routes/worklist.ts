import { Router } from 'express';
import { principalOf } from '../authentication';
import { buildWorklist, type WorklistDeps, type WorklistFilter } from '../../worklist/worklist';
import { HttpProblem } from '../problem';
import { renderWorklistPage } from '../views/worklistPage';
import { contractQuery } from './query';

/** The inspector's worklist: JSON, or a page to print, by Accept. */
export function worklistRoutes(deps: WorklistDeps): Router {
  const router = Router();
  router.get('/v1/worklist', async (req, res) => {
    const list = await buildWorklist(deps, principalOf(res), contractQuery<WorklistFilter>(req));
    res.setHeader('Vary', 'Accept');
    switch (req.accepts(['application/json', 'text/html'])) {
      case 'application/json':
        res.json(list);
        return;
      case 'text/html':
        res.type('text/html; charset=utf-8').send(renderWorklistPage(list));
        return;
      default:
        throw new HttpProblem('not-acceptable', 'Arbejdslisten kan leveres som application/json eller text/html');
    }
  });
  return router;
}
