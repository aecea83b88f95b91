import { validateEvidence } from '../evidence/validate';
import { analyseImpact, type Snapshot } from '../impact';
import type { RulesCatalogue } from '../rules/catalogue';
import { readJsonFile } from '../rules/load';
import { LEVELS, type Ruleset } from '../rules/types';
import { checkRulesetContent } from '../rules/validate';
import { problemLine, table } from './format';

export interface ImpactOptions {
  snapshot: string;
  asOf: string;
  json?: boolean;
  failOnImpact?: boolean;
}

type Out = (line?: string) => void;

/**
 * `speciale-rules impact <draft> --snapshot <file>`: what a draft rule set would do to the approvals in
 * an exported snapshot (GET /v1/specialer/{speciale}/snapshot), without reaching the service.
 */
export async function impactCommand(
  draftFile: string,
  options: ImpactOptions,
  catalogue: RulesCatalogue,
  cwd: string,
  out: Out,
  fail: (message: string) => never,
): Promise<number> {
  const draftRead = readJsonFile(draftFile);
  if (draftRead.problems.length > 0) fail(draftRead.problems.map((p) => problemLine(p, cwd)).join('\n'));
  const draftProblems = checkRulesetContent(draftRead.value);
  if (draftProblems.length > 0) fail(draftProblems.map((p) => problemLine({ file: draftFile, ...p }, cwd)).join('\n'));
  const draft = draftRead.value as Ruleset;

  const snapRead = readJsonFile(options.snapshot);
  if (snapRead.problems.length > 0) fail(snapRead.problems.map((p) => problemLine(p, cwd)).join('\n'));
  const snapshot = snapRead.value as Snapshot;
  if (!snapshot || typeof snapshot !== 'object' || typeof snapshot.speciale !== 'string' || !Array.isArray(snapshot.approvals)) {
    fail(problemLine({ file: options.snapshot, pointer: '', message: 'ikke et øjebliksbillede fra GET /v1/specialer/{speciale}/snapshot (mangler speciale eller approvals)' }, cwd));
  }
  if (snapshot.speciale !== draft.speciale) {
    fail(problemLine({ file: options.snapshot, pointer: '/speciale', message: `øjebliksbilledet gælder '${snapshot.speciale}', udkastet '${draft.speciale}'` }, cwd));
  }
  const invalid = snapshot.approvals.flatMap((a, i) =>
    snapshotApprovalProblems(a).map((p) => ({ file: options.snapshot, pointer: `/approvals/${i}${p.pointer}`, message: p.message })),
  );
  if (invalid.length > 0) fail(invalid.map((p) => problemLine(p, cwd)).join('\n'));

  const current = catalogue.inForceOn(draft.speciale, options.asOf);
  if (!current) fail(`'${draft.speciale}' har ingen udgivet version i kraft ${options.asOf} at sammenligne med`);
  const report = await analyseImpact(snapshot, current as Ruleset, draft, options.asOf);
  const affected = report.approvals.filter((a) => a.newlyFailing.length > 0);

  if (options.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    out(`${draft.speciale}: version ${report.currentVersion} (i kraft ${options.asOf}) → udkast ${report.draftVersion}, ${report.approvals.length} godkendelser i øjebliksbilledet`);
    out();
    if (affected.length === 0) out('Ingen godkendelser får nye krav, der ikke er opfyldt.');
    else {
      for (const line of table(
        ['Tilbud', 'Niveau', 'Tilsyn', 'I dag', 'Med udkastet', 'Nye krav, der ikke er opfyldt'],
        affected.map((a) => [a.tilbudId, a.level, a.tilsyn, a.today, a.underDraft, a.newlyFailing.map((r) => r.id).join(', ')]),
      )) out(line);
    }
    out();
    for (const [title, totals] of [['Pr. niveau', report.byLevel], ['Pr. socialtilsyn', report.byTilsyn]] as const) {
      out(title);
      for (const line of table(
        ['', 'Godkendelser', 'Ville ikke opfylde', 'Med nye fejl'],
        Object.entries(totals).map(([k, t]) => [k, String(t.approvals), String(t.wouldFail), String(t.newlyFailing)]),
      )) out(`  ${line}`);
    }
  }
  return options.failOnImpact && affected.length > 0 ? 1 : 0;
}

/** What each approval of a snapshot needs (as GET /v1/specialer/{speciale}/snapshot writes it), named by pointer. */
function snapshotApprovalProblems(approval: unknown): { pointer: string; message: string }[] {
  if (typeof approval !== 'object' || approval === null || Array.isArray(approval)) return [{ pointer: '', message: 'skal være et objekt med approvalId, tilbudId, level, tilsyn, rulesetVersion og evidence' }];
  const a = approval as Record<string, unknown>;
  const problems: { pointer: string; message: string }[] = [];
  for (const field of ['approvalId', 'tilbudId', 'tilsyn', 'rulesetVersion']) {
    if (typeof a[field] !== 'string') problems.push({ pointer: `/${field}`, message: 'skal være en tekst' });
  }
  if (!(LEVELS as readonly unknown[]).includes(a.level)) problems.push({ pointer: '/level', message: `skal være en af: ${LEVELS.join(', ')}` });
  problems.push(...validateEvidence(a.evidence).map((p) => ({ pointer: `/evidence${p.pointer}`, message: p.message })));
  return problems;
}
