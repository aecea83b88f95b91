import type { RecordStore } from '../approvals/records';
import { evidenceDateProblems, type EvidenceDateProblem } from '../evidence/dates';
import type { Evidence } from '../evidence/types';
import type { WorklistItem } from './worklist';

const PAGE = 200;

/**
 * Stored evaluations whose evidence breaks the date rules: something recorded as done after the evidence's
 * reporting date, a reporting date after the day the evaluation was stored, or after the date it was
 * evaluated on. Evaluations stored before those rules were enforced may have them; they are listed for the
 * inspector, never rewritten (their hashes are part of the record). Each evidence is read and checked once,
 * however many evaluations (re-checks) share it.
 */
export async function evaluationTasks(store: RecordStore, scope: { tilsyn?: string; speciale?: string; level?: string }): Promise<WorklistItem[]> {
  const items: WorklistItem[] = [];
  const checked = new Map<string, Evidence | null>();
  let cursor: string | undefined;
  do {
    const page = await store.listEvaluations({ ...(scope.tilsyn ? { tilsyn: scope.tilsyn } : {}), ...(scope.speciale ? { speciale: scope.speciale } : {}) }, { limit: PAGE, cursor });
    for (const evaluation of page.items) {
      if (scope.level && evaluation.level !== scope.level) continue;
      if (!checked.has(evaluation.evidenceHash)) checked.set(evaluation.evidenceHash, ((await store.getEvaluationEvidence(evaluation.id))?.evidence as Evidence | undefined) ?? null);
      const evidence = checked.get(evaluation.evidenceHash);
      if (!evidence) continue;
      const storedOn = evaluation.createdAt.slice(0, 10);
      const problems: EvidenceDateProblem[] = evidenceDateProblems(evidence, { today: storedOn, asOf: evaluation.asOf });
      if (problems.length === 0) continue;
      const p = evaluation.provider;
      items.push({
        kind: 'evidence-dates',
        overdue: false,
        ...(evaluation.approvalId ? { approvalId: evaluation.approvalId } : {}),
        evaluationId: evaluation.id,
        speciale: evaluation.speciale,
        level: evaluation.level,
        tilsyn: (scope.tilsyn ?? p.tilsyn) as WorklistItem['tilsyn'],
        provider: { tilbudId: p.tilbudId, name: p.name, cvr: p.cvr, kommunekode: p.kommunekode },
        message: `Evalueringen fra ${storedOn} bygger på dokumentation med datofejl (${problems.length}): ${problems[0].pointer}: ${problems[0].message}; indhent rettet dokumentation og evaluér igen`,
        details: {
          asOf: evaluation.asOf,
          reportingDate: evidence.reportingDate,
          createdAt: evaluation.createdAt,
          problems: problems.map((x) => ({ code: x.code, pointer: x.pointer, message: x.message })),
        },
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}
