import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';

/** `speciale-rules impact`: a rule change's effect on the approvals in an exported snapshot, offline. */
const ROOT = path.resolve(__dirname, '../..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sf-impact-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function read(file: string) {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
}

/** A snapshot with one provider that meets every threshold of autisme 1.0.0 exactly. */
function writeSnapshot(): string {
  const atThreshold = read('rules/autisme/cases/taerskelvaerdier-praecis-opfyldt.json');
  const file = path.join(dir, 'snapshot.json');
  writeFileSync(
    file,
    JSON.stringify({
      speciale: 'autisme',
      exportedAt: '2026-09-30T12:00:00Z',
      approvals: [{ approvalId: 'a-1', tilbudId: atThreshold.evidence.provider.tilbudId, level: 'specialfunktion', tilsyn: 'Midt', rulesetVersion: '1.0.0', evidence: atThreshold.evidence }],
    }),
  );
  return file;
}

/** A draft 1.2.0 that moves the 12-month volume threshold of AUT-SF-07 by `delta`. */
function writeDraft(delta: number): string {
  const draft = read('rules/autisme/1.0.0.json');
  draft.version = '1.2.0';
  draft.status = 'draft';
  draft.effectiveFrom = '2028-01-01';
  const volume = draft.levels.specialfunktion.requirements.find((r: { id: string }) => r.id === 'AUT-SF-07');
  const leaf = JSON.stringify(volume.conditions).match(/"value":(\d+)/);
  volume.conditions = JSON.parse(JSON.stringify(volume.conditions).replace(leaf![0], `"value":${Number(leaf![1]) + delta}`));
  const file = path.join(dir, 'draft.json');
  writeFileSync(file, JSON.stringify(draft));
  return file;
}

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'speciale-rules', 'impact', ...args, '--dir', path.join(ROOT, 'rules'), '--as-of', '2026-09-30'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

it('lists the approvals a stricter draft would break and the requirements that newly fail', async () => {
  const result = await run(writeDraft(+1), '--snapshot', writeSnapshot());
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('autisme: version 1.0.0');
  expect(result.stdout).toMatch(/specialfunktion\s+Midt\s+eligible\s+not-eligible\s+\d{4}-\d{2}-\d{2}\s+AUT-SF-07/);
});

it('fails a CI gate with --fail-on-impact when an approval would break', async () => {
  expect((await run(writeDraft(+1), '--snapshot', writeSnapshot(), '--fail-on-impact')).code).toBe(1);
  expect((await run(writeDraft(-1), '--snapshot', writeSnapshot(), '--fail-on-impact')).code).toBe(0);
});

it('reports nothing newly failing for a looser draft, and JSON for machines', async () => {
  const text = await run(writeDraft(-1), '--snapshot', writeSnapshot());
  expect(text.stdout).toContain('Ingen godkendelser får nye krav');
  const json = await run(writeDraft(-1), '--snapshot', writeSnapshot(), '--json');
  expect(JSON.parse(json.stdout)).toMatchObject({ currentVersion: '1.0.0', draftVersion: '1.2.0', approvals: [{ today: 'eligible', underDraft: 'eligible', newlyFailing: [] }] });
});

it('refuses an invalid draft with file:/pointer: message', async () => {
  const file = writeDraft(0);
  const draft = JSON.parse(readFileSync(file, 'utf8'));
  draft.levels.specialfunktion.requirements[0].category = 'magi';
  writeFileSync(file, JSON.stringify(draft));
  const result = await run(file, '--snapshot', writeSnapshot());
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('draft.json:/levels/specialfunktion/requirements/0/category: ');
});

it('refuses a malformed snapshot with file:/pointer: message for each approval, not an unexpected error', async () => {
  const file = writeSnapshot();
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  snapshot.approvals.push(null, { ...snapshot.approvals[0], level: 'foo' });
  writeFileSync(file, JSON.stringify(snapshot));
  const result = await run(writeDraft(+1), '--snapshot', file);
  expect(result.code).toBe(1);
  expect(result.stderr).not.toContain('uventet fejl');
  expect(result.stderr).toContain('snapshot.json:/approvals/1: skal være et objekt');
  expect(result.stderr).toContain('snapshot.json:/approvals/2/level: skal være en af: specialfunktion, raadgivningsfunktion');
});

it('names, for each newly failing approval, the requirement and the change that causes it, and when it starts failing (after the transition)', async () => {
  const result = await run(writeDraft(+1), '--snapshot', writeSnapshot(), '--json');
  const report = JSON.parse(result.stdout);
  const months = read('rules/autisme/1.0.0.json').levels.specialfunktion.approvalPolicy.transitionMonths as number;
  expect(report.transitionEndsOn.specialfunktion).toBe(lastDayOfTransition('2028-01-01', months));
  expect(report.approvals[0]).toMatchObject({
    underDraft: 'not-eligible',
    failingFrom: dayAfter(report.transitionEndsOn.specialfunktion),
    newlyFailing: [{ id: 'AUT-SF-07', transitional: true, cause: { change: 'changed', direction: 'stricter', thresholds: [{ fact: 'citizenCoursesStarted', direction: 'stricter' }] } }],
  });
  const text = await run(writeDraft(+1), '--snapshot', writeSnapshot());
  expect(text.stdout).toMatch(/AUT-SF-07: mindst \d+ borgerforløb → mindst \d+ borgerforløb \(skærpet\) \(overgangsperiode\)/);
});

it('compares with a chosen version with --against, and names the versions when it does not exist', async () => {
  const against = await run(writeDraft(+1), '--snapshot', writeSnapshot(), '--against', '1.1.0', '--json');
  expect(against.code).toBe(0);
  expect(JSON.parse(against.stdout)).toMatchObject({ currentVersion: '1.1.0', draftVersion: '1.2.0' });
  const unknown = await run(writeDraft(+1), '--snapshot', writeSnapshot(), '--against', '9.9.9');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toBe("speciale-rules: version 9.9.9 af 'autisme' findes ikke (findes: 1.0.0, 1.1.0)\n");
});

it('counts a requirement the draft made stricter from its effectiveFrom for an approval made under the draft itself (no transition)', async () => {
  const file = writeSnapshot();
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  snapshot.approvals[0].rulesetVersion = '1.2.0';
  writeFileSync(file, JSON.stringify(snapshot));
  const report = JSON.parse((await run(writeDraft(+1), '--snapshot', file, '--json')).stdout);
  expect(report.approvals[0]).toMatchObject({ failingFrom: '2028-01-01', newlyFailing: [{ id: 'AUT-SF-07', transitional: false }] });
});

function lastDayOfTransition(from: string, months: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
