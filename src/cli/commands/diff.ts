import { Command } from 'commander';
import { capitalize, factPhrase, requirementPhrase } from '../../rules/describe';
import { diffRulesets, type Direction, type LevelDiff, type RulesetDiff, type ThresholdChange } from '../../rules/diff';
import { CATEGORY_TITLES, LEVEL_TITLES } from '../../rules/render';
import type { Category } from '../../rules/types';
import { loadCatalogue, requireVersion } from '../catalogue';
import { count, oneLine, table } from '../format';
import { resolveDir, type CliIo, type CommandContext, type Out } from '../io';

/** `speciale-rules diff <speciale> <from> <to>`: what changed between two versions, and in which direction. */
export function diffCommand(cli: CommandContext): Command {
  return new Command('diff')
    .description('vis, hvad der er ændret mellem to versioner, og om kravene er skærpet eller lempet')
    .argument('<speciale>', 'specialets id, fx autisme')
    .argument('<from>', 'den gamle version, fx 1.0.0')
    .argument('<to>', 'den nye version, fx 1.1.0')
    .option('--dir <dir>', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv forskellene som JSON')
    .action((speciale: string, from: string, to: string, options: { dir: string; json?: boolean }) =>
      cli.run(() => runDiff(resolveDir(cli.io, options.dir), speciale, from, to, options, cli.io, cli.out)),
    );
}

const DIRECTION_WORDS: Record<Direction | 'none', string> = { stricter: 'skærpet', looser: 'lempet', changed: 'ændret', none: '–' };
const SEVERITY_WORDS: Record<string, string> = { required: 'Krav', advisory: 'Anbefaling' };
const POLICY_WORDS: Record<string, string> = {
  validityMonths: 'godkendelsens varighed (måneder)',
  recheckIntervalMonths: 'genvurdering hver (måneder)',
  maxEvidenceAgeMonths: 'dokumentationens maks. alder (måneder)',
  transitionMonths: 'overgangsperiode (måneder)',
  renewalWindowMonths: 'fornyelsesvindue (måneder)',
};
const STATUS_WORDS: Record<string, string> = { draft: 'udkast', published: 'udgivet', retired: 'udgået' };
const META_WORDS: Record<string, string> = {
  effectiveFrom: 'i kraft fra',
  effectiveTo: 'i kraft til og med',
  status: 'status',
  title: 'titel',
  description: 'beskrivelse',
  illustrative: 'note om illustrativt indhold',
};

function runDiff(dir: string, speciale: string, from: string, to: string, options: { json?: boolean }, io: CliIo, out: Out): number {
  const { check, catalogue } = loadCatalogue(dir);
  const a = requireVersion(dir, check, catalogue, speciale, from, io);
  const b = requireVersion(dir, check, catalogue, speciale, to, io);
  const diff = diffRulesets(a, b);
  if (options.json) {
    out(JSON.stringify(diff, null, 2));
    return 0;
  }
  for (const line of diffLines(diff)) out(line);
  return 0;
}

function shortText(value: unknown, max = 70): string {
  if (value === null || value === undefined) return '–';
  const text = oneLine(String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function comparisonText(t: ThresholdChange, side: 'before' | 'after'): string {
  const c = t[side];
  if (!c) return '–';
  const params = side === 'before' && t.paramsBefore ? t.paramsBefore : t.params;
  return requirementPhrase({ fact: t.fact, path: t.path, params, operator: c.operator, value: c.value });
}

export function diffLines(diff: RulesetDiff): string[] {
  const lines = [`${diff.speciale} ${diff.from} → ${diff.to}`];
  if (diff.metadata.length > 0) {
    lines.push('');
    const value = (field: string, v: unknown) => (field === 'status' ? (STATUS_WORDS[String(v)] ?? String(v)) : shortText(v, 50));
    lines.push(...table(['Felt', 'Før', 'Efter'], diff.metadata.map((m) => [META_WORDS[m.field] ?? m.field, value(m.field, m.before), value(m.field, m.after)])));
  }
  let any = diff.metadata.length > 0;
  for (const level of diff.levels) {
    const rows = levelRows(level);
    if (rows.length === 0) continue;
    any = true;
    lines.push('', LEVEL_TITLES[level.level], ...table(['Krav', 'Ændring', 'Før', 'Efter', 'Retning'], rows));
  }
  if (!any) lines.push('', 'Ingen forskelle.');
  else {
    const all = diff.levels.flatMap((l) => [...l.added, ...l.removed, ...l.changed]);
    const by = (d: Direction | 'none') => all.filter((r) => r.direction === d).length;
    lines.push('', `${count(all.length, 'krav', 'krav')} ændret: ${by('stricter')} skærpet, ${by('looser')} lempet, ${by('changed')} ændret på anden vis, ${by('none')} kun i ordlyd`);
  }
  return lines;
}

function levelRows(level: LevelDiff): string[][] {
  const rows: string[][] = [];
  for (const p of level.policy) rows.push(['(godkendelse)', POLICY_WORDS[p.field] ?? p.field, String(p.before), String(p.after), DIRECTION_WORDS[p.direction]]);
  if (level.includesLevel) rows.push(['(niveau)', 'omfatter niveauet', String(level.includesLevel.before ?? '–'), String(level.includesLevel.after ?? '–'), '–']);
  for (const r of level.added) rows.push([r.id, `nyt ${SEVERITY_WORDS[r.severity].toLowerCase()}`, '–', shortText(r.title, 60), DIRECTION_WORDS[r.direction]]);
  for (const r of level.removed) rows.push([r.id, 'fjernet', shortText(r.title, 60), '–', DIRECTION_WORDS[r.direction]]);
  for (const r of level.changed) {
    for (const f of r.fields) {
      if (f.field === 'conditions') continue;
      if (f.field === 'severity') rows.push([r.id, 'vægt', SEVERITY_WORDS[String(f.before)], SEVERITY_WORDS[String(f.after)], DIRECTION_WORDS[f.after === 'required' ? 'stricter' : 'looser']]);
      else if (f.field === 'category') rows.push([r.id, 'kategori', CATEGORY_TITLES[f.before as Category], CATEGORY_TITLES[f.after as Category], '–']);
      else if (f.field === 'title') rows.push([r.id, 'titel', shortText(f.before, 45), shortText(f.after, 45), '–']);
      else rows.push([r.id, 'begrundelse', 'ændret', '', '–']);
    }
    for (const t of r.thresholds) {
      // A changed param changes what the fact counts, so the whole comparison is shown on each side.
      const what = t.paramsBefore ? 'betingelse' : capitalize(factPhrase({ fact: t.fact, path: t.path, params: t.params, operator: '', value: null }));
      rows.push([r.id, what, comparisonText(t, 'before'), comparisonText(t, 'after'), DIRECTION_WORDS[t.direction]]);
    }
    if (r.thresholds.length === 0 && r.fields.some((f) => f.field === 'conditions')) rows.push([r.id, 'betingelsernes opbygning', '', '', DIRECTION_WORDS.changed]);
  }
  return rows;
}
