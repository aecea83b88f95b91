import { Router } from 'express';
import { notModified } from '../conditional';
import { capacityReport } from '../../capacity';
import { requireRole } from '../authentication';
import { cachedRegister, CSV_SEPARATORS } from '../../register';
import type { RulesCatalogue } from '../../rules/catalogue';
import type { RecordStore } from '../../approvals/records';
import { today, type Clock } from '../../time/clock';
import { HttpProblem } from '../problem';
import { sendJsonOrHtml } from '../negotiation';
import { renderCapacityPage } from '../views/capacityPage';
import { contractQuery } from './query';

/** The public register for Tilbudsportalen: no token, no personal data, cacheable with ETag. */
export function registerRoutes(store: RecordStore, clock: Clock): Router {
  const router = Router();
  const register = cachedRegister(store, clock);
  router.get('/v1/register', async (req, res) => {
    res.setHeader('Vary', 'Accept');
    // Only CSV has separators; the contract checks the value whichever type is asked for.
    const { separator } = contractQuery<{ separator: (typeof CSV_SEPARATORS)[number] }>(req);
    const type = req.accepts(['application/json', 'text/csv']);
    if (!type) throw new HttpProblem('not-acceptable', 'Registret kan leveres som application/json eller text/csv');
    const { body, etag, contentType } = await register(type === 'text/csv' ? { kind: 'csv', separator } : { kind: 'json' });
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=300');
    if (notModified(req, etag)) {
      res.status(304).end();
      return;
    }
    if (type === 'text/csv') res.setHeader('Content-Disposition', 'inline; filename="specialfunktioner.csv"');
    res.type(contentType).send(body);
  });
  return router;
}

/** National capacity for Socialstyrelsen (and admins). */
export function capacityRoutes(store: RecordStore, rules: RulesCatalogue, clock: Clock): Router {
  const router = Router();
  router.get('/v1/capacity', requireRole('socialstyrelsen', 'admin'), async (req, res) => {
    const report = await capacityReport(store, rules, today(clock));
    const titles = new Map(rules.specialer().map((s) => [s.speciale, s.title.da]));
    sendJsonOrHtml(req, res, report, (r) => renderCapacityPage(r, (speciale) => titles.get(speciale) ?? speciale), 'Kapaciteten');
  });
  return router;
}
