import { Router } from 'express';
import { requireRole } from '../../auth';
import { invalid, notFound } from '../../approvals/errors';
import { analyseImpact } from '../../impact';
import { exportSnapshot } from '../../impact/snapshot';
import type { RulesCatalogue } from '../../rules/catalogue';
import type { Ruleset } from '../../rules/types';
import { checkRulesetContent } from '../../rules/validate';
import type { RecordStore } from '../../approvals/records';
import { today, type Clock } from '../../time/clock';
import { bodyMatchesContract } from '../validation';

/** Which approvals a rule change would break, before it is published. */
export function impactRoutes(store: RecordStore, rules: RulesCatalogue, clock: Clock): Router {
  const router = Router();

  router.post('/v1/specialer/:speciale/impact', requireRole('admin', 'socialstyrelsen'), bodyMatchesContract('post', '/v1/specialer/{speciale}/impact'), async (req, res) => {
    const speciale = req.params.speciale as string;
    if (rules.versions(speciale).length === 0) throw notFound(`Specialet '${speciale}'`);
    const date = today(clock);
    const current = rules.inForceOn(speciale, date);
    if (!current) throw notFound(`En version af '${speciale}', der gælder ${date},`);
    let draft: Ruleset;
    if (req.body.version !== undefined) {
      const existing = rules.get(speciale, req.body.version as string);
      if (!existing) throw notFound(`Version ${req.body.version} af '${speciale}'`);
      draft = existing;
    } else {
      const problems = checkRulesetContent(req.body.draft);
      if (problems.length > 0) throw invalid('Udkastet er ikke et gyldigt regelsæt', problems.map((p) => ({ pointer: `/draft${p.pointer}`, message: p.message })));
      draft = req.body.draft as Ruleset;
      if (draft.speciale !== speciale) throw invalid('Udkastet gælder et andet speciale', [{ pointer: '/draft/speciale', message: `skal være ${speciale}` }]);
    }
    const snapshot = await exportSnapshot(store, speciale, clock);
    res.json(await analyseImpact(snapshot, current, draft, date));
  });

  router.get('/v1/specialer/:speciale/snapshot', requireRole('admin'), async (req, res) => {
    const speciale = req.params.speciale as string;
    if (rules.versions(speciale).length === 0) throw notFound(`Specialet '${speciale}'`);
    res.json(await exportSnapshot(store, speciale, clock));
  });
  return router;
}
