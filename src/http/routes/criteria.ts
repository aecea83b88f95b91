import { Router } from 'express';
import { notModified } from '../conditional';
import type { RulesCatalogue } from '../../rules/catalogue';
import { rulesetHash } from '../../rules/hash';
import { renderHtml, renderMarkdown } from '../../rules/render';
import type { Clock } from '../../time/clock';
import { today } from '../../time/clock';
import { HttpProblem } from '../problem';

const REPRESENTATION_SUFFIX: Record<string, string> = { 'application/json': '', 'text/markdown': '-markdown', 'text/html': '-html' };

/** The published criteria: public, because providers should read what they are measured against. */
export function criteriaRoutes(rules: RulesCatalogue, clock: Clock): Router {
  const router = Router();

  router.get('/v1/specialer', (_req, res) => {
    const date = today(clock);
    res.json({
      items: rules.specialer().map((s) => ({
        speciale: s.speciale,
        title: s.title,
        versions: s.versions,
        inForce: rules.inForceOn(s.speciale, date)?.version ?? null,
      })),
    });
  });

  router.get('/v1/specialer/:speciale/rulesets', (req, res) => {
    const { speciale } = req.params;
    const versions = rules.versions(speciale);
    if (versions.length === 0) throw new HttpProblem('speciale-not-found', `Specialet '${speciale}' findes ikke`);
    res.json({
      speciale,
      items: versions.map((ruleset) => {
        const period = rules.inForcePeriod(speciale, ruleset.version);
        return {
          version: ruleset.version,
          status: ruleset.status,
          effectiveFrom: ruleset.effectiveFrom,
          ...(ruleset.effectiveTo ? { effectiveTo: ruleset.effectiveTo } : {}),
          hash: rulesetHash(ruleset),
          inForceFrom: period?.from ?? null,
          inForceUntil: period?.until ?? null,
        };
      }),
    });
  });

  router.get('/v1/specialer/:speciale/rulesets/:version', (req, res) => {
    const { speciale, version } = req.params;
    const ruleset = rules.get(speciale, version);
    if (!ruleset) throw new HttpProblem('ruleset-version-not-found', `Version ${version} af specialet '${speciale}' findes ikke`);
    res.setHeader('Vary', 'Accept');
    const type = req.accepts(['application/json', 'text/markdown', 'text/html']);
    if (!type) throw new HttpProblem('not-acceptable', 'Regelsættet kan leveres som application/json, text/markdown eller text/html');
    // A strong ETag names one representation: the JSON one is the content hash, the others carry a
    // suffix, so If-None-Match from one media type never answers 304 for another (res.send compares).
    const etag = `"${rulesetHash(ruleset)}${REPRESENTATION_SUFFIX[type]}"`;
    res.setHeader('ETag', etag);
    if (notModified(req, etag)) {
      res.status(304).end();
      return;
    }
    switch (type) {
      case 'text/markdown':
        res.type('text/markdown; charset=utf-8').send(renderMarkdown(ruleset));
        return;
      case 'text/html':
        res.type('text/html; charset=utf-8').send(renderHtml(ruleset));
        return;
      default:
        res.json(ruleset);
    }
  });
  return router;
}
