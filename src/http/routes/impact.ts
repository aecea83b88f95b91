import { Router } from 'express';
import { requireRole } from '../authentication';
import { DomainError, invalid, notFound } from '../../approvals/errors';
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
    if (rules.versions(speciale).length === 0) throw notFound(`Specialet '${speciale}'`, 'speciale-not-found');
    const date = today(clock);
    const current = rules.inForceOn(speciale, date);
    if (!current) throw notFound(`En version af '${speciale}', der gælder ${date},`, 'no-version-in-force');
    let draft: Ruleset;
    if (req.body.version !== undefined) {
      const existing = rules.get(speciale, req.body.version as string);
      if (!existing) throw notFound(`Version ${req.body.version} af '${speciale}'`, 'ruleset-version-not-found');
      draft = existing;
    } else {
      const problems = checkRulesetContent(req.body.draft);
      // Always invalid-draft: each item keeps the rule check's own code where it has one.
      if (problems.length > 0) {
        throw new DomainError('invalid-draft', 'Udkastet er ikke et gyldigt regelsæt', { errors: problems.map((p) => ({ pointer: `/draft${p.pointer}`, message: p.message, code: p.code ?? 'invalid-draft' })) });
      }
      draft = req.body.draft as Ruleset;
      if (draft.speciale !== speciale) throw invalid('Udkastet gælder et andet speciale', [{ pointer: '/draft/speciale', code: 'draft-of-other-speciale', message: `skal være ${speciale}` }]);
    }
    const snapshot = await exportSnapshot(store, speciale, clock);
    res.json(await analyseImpact(snapshot, current, draft, date));
  });

  router.get('/v1/specialer/:speciale/snapshot', requireRole('admin'), async (req, res) => {
    const speciale = req.params.speciale as string;
    if (rules.versions(speciale).length === 0) throw notFound(`Specialet '${speciale}'`, 'speciale-not-found');
    res.json(await exportSnapshot(store, speciale, clock));
  });
  return router;
}
