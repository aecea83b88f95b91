import { Router } from 'express';
import { principalOf } from '../authentication';
import { allTilsyn } from '../../geography';
import { LEVELS } from '../../rules/types';
import { buildWorklist, WORKLIST_KINDS, type WorklistDeps } from '../../worklist/worklist';
import { methodNotAllowed } from '../errors';
import { HttpProblem } from '../problem';
import { renderWorklistPage } from '../views/worklistPage';
import { enumQuery, stringQuery } from './query';

/** The inspector's worklist: JSON, or a page to print, by Accept. */
export function worklistRoutes(deps: WorklistDeps): Router {
  const router = Router();
  router.get('/v1/worklist', async (req, res) => {
    const q = req.query;
    const list = await buildWorklist(deps, principalOf(res), {
      tilsyn: enumQuery(q.tilsyn, 'tilsyn', allTilsyn()),
      speciale: stringQuery(q.speciale, 'speciale', /^[a-z0-9-]{1,60}$/),
      level: enumQuery(q.level, 'level', LEVELS),
      kind: enumQuery(q.kind, 'kind', WORKLIST_KINDS),
    });
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
  router.all('/v1/worklist', methodNotAllowed(['GET']));
  return router;
}
