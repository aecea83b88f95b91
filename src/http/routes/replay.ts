import { Router } from 'express';
import { principalOf } from '../authentication';
import { exportStored, replayStored, type StoredReplayDeps } from '../../replay/stored';

/** Reproducing stored evaluations: replay one against the loaded rule files, export one with its evidence for `speciale-rules replay`. */
export function replayRoutes(deps: StoredReplayDeps): Router {
  const router = Router();

  router.post('/v1/evaluations/:id/replay', async (req, res) => {
    res.json(await replayStored(deps, principalOf(res), req.params.id as string));
  });

  router.get('/v1/evaluations/:id/export', async (req, res) => {
    const doc = await exportStored(deps, principalOf(res), req.params.id as string);
    res.setHeader('Content-Disposition', `attachment; filename="evaluation-${doc.evaluation.id}.json"`);
    res.json(doc);
  });
  return router;
}
