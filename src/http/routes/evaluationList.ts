import { Router } from 'express';
import { invalid } from '../../approvals/errors';
import type { RecordStore } from '../../approvals/records';
import { principalOf } from '../authentication';
import { listEvaluations, type EvaluationListFilter } from '../../worklist/evaluations';
import type { PageRequest } from '../../store/types';
import { contractQuery } from './query';

/** GET /v1/evaluations: stored evaluations, tilsyn-scoped and paged. Mounted before the evaluation routes, whose 405 for the path allows GET. */
export function evaluationListRoutes(store: RecordStore): Router {
  const router = Router();
  router.get('/v1/evaluations', async (req, res) => {
    const { limit, cursor, ...filter } = contractQuery<EvaluationListFilter & PageRequest>(req);
    const { from, to } = filter;
    if (from !== undefined && to !== undefined && to < from) {
      throw invalid('Perioden er ugyldig', [{ pointer: 'query:to', message: `skal ligge på eller efter from (${from})`, code: 'to-before-from' }]);
    }
    const page = await listEvaluations(store, principalOf(res), filter, { limit, cursor });
    res.json(page);
  });
  return router;
}
