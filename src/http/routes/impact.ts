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
    const body = req.body as { version?: string; draft?: unknown; against?: string };
    const date = today(clock);
    // The contract lets `against` come only with `draft`; checked before the draft, as the CLI does.
    const current = body.against !== undefined ? loadedVersion(speciale, body.against, '/against') : rules.inForceOn(speciale, date);
    if (!current) throw notFound(`En version af '${speciale}', der gælder ${date},`, 'no-version-in-force');
    const draft = body.version !== undefined ? loadedVersion(speciale, body.version, '/version') : checkedDraft(speciale, body.draft);
    const snapshot = await exportSnapshot(store, speciale, clock);
    res.json(await analyseImpact(snapshot, current, draft, date));
  });

  /** A version loaded for the speciale, or a 404 pointing at the body field that named it. */
  function loadedVersion(speciale: string, version: string, pointer: string): Ruleset {
    const found = rules.get(speciale, version);
    if (found) return found;
    const known = rules.versions(speciale).map((r) => r.version).join(', ');
    throw new DomainError('ruleset-version-not-found', `Version ${version} af '${speciale}' findes ikke (findes: ${known})`, {
      errors: [{ pointer, code: 'ruleset-version-not-found', message: `findes ikke; indlæste versioner: ${known}` }],
    });
  }

  function checkedDraft(speciale: string, body: unknown): Ruleset {
    const problems = checkRulesetContent(body);
    // Always invalid-draft: each item keeps the rule check's own code where it has one.
    if (problems.length > 0) {
      throw new DomainError('invalid-draft', 'Udkastet er ikke et gyldigt regelsæt', { errors: problems.map((p) => ({ pointer: `/draft${p.pointer}`, message: p.message, code: p.code ?? 'invalid-draft' })) });
    }
    const draft = body as Ruleset;
    if (draft.speciale !== speciale) throw invalid('Udkastet gælder et andet speciale', [{ pointer: '/draft/speciale', code: 'draft-of-other-speciale', message: `skal være ${speciale}` }]);
    return draft;
  }

  router.get('/v1/specialer/:speciale/snapshot', requireRole('admin'), async (req, res) => {
    const speciale = req.params.speciale as string;
    if (rules.versions(speciale).length === 0) throw notFound(`Specialet '${speciale}'`, 'speciale-not-found');
    res.json(await exportSnapshot(store, speciale, clock));
  });
  return router;
}
