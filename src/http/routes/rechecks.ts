import { Router } from 'express';
import { BatchBusyError, type RecheckBatch } from '../../approvals/batch';
import { canDecide, canSee } from '../../approvals/access';
import { notFound, forbidden, invalid } from '../../approvals/errors';
import type { Rechecker } from '../../approvals/recheck';
import type { ApprovalService } from '../../approvals/service';
import { principalOf, requireRole } from '../authentication';
import type { Evidence } from '../../evidence/types';
import { validateEvidence } from '../../evidence/validate';
import { newId } from '../../approvals/ids';
import { assertSameProvider, checkEvidenceProvider } from '../../providers/evidenceProvider';
import type { RecordStore } from '../../approvals/records';
import { IN_FORCE_STATUSES, isInForce } from '../../approvals/status';
import type { Clock } from '../../time/clock';
import { toIsoDate } from '../../time/dates';
import { HttpProblem } from '../problem';
import { bodyMatchesContract, optionalBodyMatchesContract } from '../validation';
import type { Logger } from 'pino';

export interface RecheckRouteDeps {
  service: ApprovalService;
  store: RecordStore;
  clock: Clock;
  rechecker: Rechecker;
  batch: RecheckBatch;
  logger: Logger;
}

/** Re-checks on demand, on new evidence, on a reported capacity change, and batch runs. */
export function recheckRoutes(deps: RecheckRouteDeps): Router {
  const { store, rechecker, batch, clock } = deps;
  const router = Router();
  const decide = requireRole('inspector', 'admin');

  const decidable = async (res: Parameters<typeof principalOf>[0], id: string) => {
    const actor = principalOf(res);
    const approval = await deps.service.decidableApproval(actor, id);
    if (!isInForce(approval.status)) throw new HttpProblem('approval-not-in-force', `Godkendelsen har status '${approval.status}' og genvurderes ikke`);
    return { actor, approval };
  };

  // The body is optional (a bare POST re-checks); when sent, it must match RecheckRequest.
  router.post('/v1/approvals/:id/recheck', decide, optionalBodyMatchesContract('post', '/v1/approvals/{id}/recheck'), async (req, res) => {
    const { actor } = await decidable(res, req.params.id as string);
    const reason = (req.body as { reason?: string } | undefined)?.reason;
    const result = await rechecker.recheck(req.params.id as string, 'manual', { by: actor.subject, reason });
    res.json({ outcome: result.outcome, evaluationId: result.evaluationId ?? null, approval: result.approval });
  });

  router.post('/v1/approvals/:id/evidence', decide, bodyMatchesContract('post', '/v1/approvals/{id}/evidence'), async (req, res) => {
    const { actor, approval } = await decidable(res, req.params.id as string);
    const evidence = req.body.evidence as Evidence;
    // Nothing dated after the reporting date, and no reporting date after today (src/evidence/dates.ts).
    const problems = validateEvidence(evidence, { today: toIsoDate(clock.now()) }).map((p) => ({ pointer: `/evidence${p.pointer}`, message: p.message, code: p.code }));
    if (problems.length > 0) throw invalid('Dokumentationen er ugyldig', problems);
    // New evidence must be the approved provider's (tilbudId), with the CVR and municipality it is registered with:
    // otherwise 409 provider-mismatch, as for a new evaluation (an admin moves a provider that has moved).
    if (evidence.provider.tilbudId !== approval.provider.tilbudId) {
      throw invalid('Dokumentationen gælder et andet tilbud', [{ pointer: '/evidence/provider/tilbudId', code: 'evidence-of-other-provider', message: `skal være ${approval.provider.tilbudId}` }]);
    }
    const registered = await checkEvidenceProvider(store, actor, evidence.provider);
    // A provider approved before the register existed is held to its approval's CVR and municipality.
    if (!registered) assertSameProvider(actor, approval.provider, evidence.provider, '/evidence/provider');
    const result = await rechecker.recheck(approval.id, 'evidence', { by: actor.subject, evidence, reason: 'Ny dokumentation modtaget' });
    res.json({ outcome: result.outcome, evaluationId: result.evaluationId ?? null, approval: result.approval });
  });

  router.post('/v1/providers/:tilbudId/capacity-changes', decide, bodyMatchesContract('post', '/v1/providers/{tilbudId}/capacity-changes'), async (req, res) => {
    const actor = principalOf(res);
    const tilbudId = req.params.tilbudId as string;
    if (!/^[0-9]{1,10}$/.test(tilbudId)) throw invalid('Ugyldigt tilbuds-id', [{ pointer: 'path:tilbudId', code: 'invalid-tilbud-id', message: 'skal være 1-10 cifre' }]);
    const live = [];
    for (const status of IN_FORCE_STATUSES) {
      for await (const a of store.findApprovals({ tilbudId, status })) if (canSee(actor, a.tilsyn)) live.push(a);
    }
    if (live.length === 0) throw notFound(`En gældende godkendelse for tilbud ${tilbudId}`, 'no-approval-in-force');
    if (!live.every((a) => canDecide(actor, a.tilsyn))) throw forbidden('Kun tilbuddets socialtilsyn kan registrere kapacitetsændringer', 'decided-by-socialtilsyn');
    const at = clock.now().toISOString();
    const change = {
      id: newId(),
      tilbudId,
      change: req.body.change as string,
      effectiveFrom: req.body.effectiveFrom as string,
      description: req.body.description as string,
      reportedAt: at,
      reportedBy: actor.subject,
    };
    // The report and its audit entry commit together (a fresh id cannot be refused).
    const committed = await store.commit({
      documents: [{ collection: 'capacityChanges', doc: change }],
      audit: { at, subject: actor.subject, action: 'provider.capacity-changed', entityType: 'provider', entityId: tilbudId, summary: { change: change.change, effectiveFrom: change.effectiveFrom, capacityChangeId: change.id } },
    });
    if (!committed.committed) throw new Error(`capacity-change report ${change.id} was refused: ${committed.reason}`);
    const rechecks = [];
    for (const approval of live) {
      const result = await rechecker.recheck(approval.id, 'capacity-change', {
        by: actor.subject,
        reason: `Kapacitetsændring (${change.change}) fra ${change.effectiveFrom}`,
        details: { capacityChangeId: change.id, change: change.change, effectiveFrom: change.effectiveFrom, description: change.description },
      });
      rechecks.push({ approvalId: approval.id, outcome: result.outcome, evaluationId: result.evaluationId ?? null });
    }
    res.status(201).json({ ...change, rechecks });
  });

  router.post('/v1/rechecks/runs', requireRole('admin'), async (_req, res) => {
    let run;
    try {
      run = await batch.begin();
    } catch (error) {
      if (error instanceof BatchBusyError) throw new HttpProblem('recheck-run-in-progress', error.message, { headers: { 'Retry-After': '60' } });
      throw error;
    }
    // The run goes on after the answer; its progress is read from GET /v1/rechecks/runs/{id}.
    batch.execute(run).catch((error: unknown) => deps.logger.error({ runId: run.id, err: { message: (error as Error).message } }, 're-check run failed'));
    res.status(202).location(`/v1/rechecks/runs/${run.id}`).json(run);
  });

  router.get('/v1/rechecks/runs/:id', requireRole('admin', 'socialstyrelsen'), async (req, res) => {
    const run = await store.getDocument('recheckRuns', req.params.id as string);
    if (!run) throw notFound(`Kørslen ${req.params.id}`, 'recheck-run-not-found');
    res.json(run);
  });
  return router;
}
