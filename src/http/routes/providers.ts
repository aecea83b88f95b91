/**
 * The provider register: read by tilsyn (an inspector its own; Socialstyrelsen and admins all), moved by an
 * admin (PATCH), and reassigned by an admin run after the municipality → socialtilsyn data changed.
 * POST /v1/providers/{tilbudId}/capacity-changes lives with the re-checks (rechecks.ts).
 */
import { Router } from 'express';
import { principalOf, requireRole } from '../authentication';
import type { Tilsyn } from '../../geography';
import { getProvider, listProviders, moveProvider, reassignProviders, type MoveRequest, type ProviderDeps } from '../../providers';
import { validationProblem } from '../problem';
import { bodyMatchesContract } from '../validation';
import type { PageRequest } from '../../store/types';
import { contractQuery } from './query';

const TILBUD_ID = /^[0-9]{1,10}$/;

function tilbudIdOf(value: unknown): string {
  if (typeof value !== 'string' || !TILBUD_ID.test(value)) throw validationProblem('Ugyldigt tilbuds-id', [{ pointer: 'path:tilbudId', code: 'invalid-tilbud-id', message: 'skal være 1-10 cifre' }]);
  return value;
}

export function providerRoutes(deps: ProviderDeps): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/v1/providers', async (req, res) => {
    const { limit, cursor, ...filter } = contractQuery<{ tilsyn?: Tilsyn; kommunekode?: string } & PageRequest>(req);
    const page = await listProviders(deps, principalOf(res), filter, { limit, cursor });
    res.json(page);
  });

  router.post('/v1/providers/reassignments', admin, async (_req, res) => {
    res.json(await reassignProviders(deps, principalOf(res)));
  });

  router.get('/v1/providers/:tilbudId', async (req, res) => {
    const provider = await getProvider(deps, principalOf(res), tilbudIdOf(req.params.tilbudId));
    res.setHeader('ETag', `"${provider.version}"`);
    res.json(provider);
  });

  router.patch('/v1/providers/:tilbudId', admin, bodyMatchesContract('patch', '/v1/providers/{tilbudId}'), async (req, res) => {
    const { provider } = await moveProvider(deps, principalOf(res), tilbudIdOf(req.params.tilbudId), req.body as MoveRequest);
    res.setHeader('ETag', `"${provider.version}"`);
    res.json(provider);
  });
  return router;
}
