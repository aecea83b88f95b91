import { Router } from 'express';
import { invalid } from '../../approvals/errors';
import type { RecordStore } from '../../approvals/records';
import { principalOf } from '../authentication';
import { allTilsyn } from '../../geography';
import { listEvaluations } from '../../worklist/evaluations';
import { dateQuery, enumQuery, intQuery, stringQuery } from './query';

/** GET /v1/evaluations: stored evaluations, tilsyn-scoped and paged. Mounted before the evaluation routes, whose 405 for the path allows GET. */
export function evaluationListRoutes(store: RecordStore): Router {
  const router = Router();
  router.get('/v1/evaluations', async (req, res) => {
    const q = req.query;
    const from = dateQuery(q.from, 'from');
    const to = dateQuery(q.to, 'to');
    if (from !== undefined && to !== undefined && to < from) {
      throw invalid('Perioden er ugyldig', [{ pointer: 'query:to', message: `skal ligge på eller efter from (${from})`, code: 'to-before-from' }]);
    }
    const page = await listEvaluations(
      store,
      principalOf(res),
      {
        tilbudId: stringQuery(q.tilbudId, 'tilbudId', /^[0-9]{1,10}$/),
        speciale: stringQuery(q.speciale, 'speciale', /^[a-z0-9-]{1,60}$/),
        tilsyn: enumQuery(q.tilsyn, 'tilsyn', allTilsyn()),
        from,
        to,
      },
      { limit: intQuery(q.limit, 'limit', 1, 200) ?? 50, cursor: stringQuery(q.cursor, 'cursor', /^[A-Za-z0-9_-]{1,500}$/) },
    );
    res.json(page);
  });
  return router;
}
