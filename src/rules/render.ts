import type { InForcePeriod } from './catalogue';
import { describeLeaf } from './describe';
import { CATEGORIES, isLeaf, LEVEL_TITLES, LEVELS, type ApprovalPolicy, type Category, type Condition, type Level, type Requirement, type Ruleset } from './types';

/**
 * A rule set version as readable Danish text, the way a specialist group would write it. Both Markdown
 * and HTML are produced from one small document model built from the JSON, so the text cannot drift
 * from the rules.
 */

export interface RenderOptions {
  /** When the version is actually in force (from the catalogue); default: its own effectiveFrom/effectiveTo. */
  inForce?: InForcePeriod | null;
}

type Inline = { text: string; bold?: boolean };
interface Item {
  inlines: Inline[];
  children?: Item[];
}
type Block = { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; inlines: Inline[] } | { kind: 'list'; items: Item[] };

// Defined with the levels (types.ts); re-exported for the renderers' callers.
export { LEVEL_TITLES };

const LEVEL_NOUN: Record<Level, string> = { specialfunktion: 'specialfunktionen', raadgivningsfunktion: 'rådgivningsfunktionen' };
export const CATEGORY_TITLES: Record<Category, string> = {
  competence: 'Kompetencer',
  education: 'Uddannelse',
  activePractice: 'Aktiv praksis',
  collaboration: 'Samarbejde',
  organisation: 'Organisering',
};
export const STATUS_WORDS: Record<Ruleset['status'], string> = { draft: 'udkast', published: 'udgivet', retired: 'udgået' };
const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'];

/** 2026-01-01 → "1. januar 2026". */
export function danishDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}. ${MONTHS[m - 1]} ${y}`;
}

const plain = (text: string): Inline => ({ text });
const bold = (text: string): Inline => ({ text, bold: true });
const months = (n: number) => `${n} ${n === 1 ? 'måned' : 'måneder'}`;

function paragraphs(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p.length > 0)
    .map((p) => ({ kind: 'paragraph', inlines: [plain(p)] }));
}

/** The approval policy in words. */
export function policySentences(policy: ApprovalPolicy): string {
  const sentences = [
    `Godkendelsen gælder i ${months(policy.validityMonths)}.`,
    `Kravene genvurderes ${policy.recheckIntervalMonths === 1 ? 'hver måned' : `hver ${policy.recheckIntervalMonths}. måned`}, og dokumentationen må højst være ${months(policy.maxEvidenceAgeMonths)} gammel.`,
    policy.transitionMonths > 0
      ? `Når en ny version af kriterierne træder i kraft, har tilbud, der er godkendt efter en tidligere version, en overgangsperiode på ${months(policy.transitionMonths)}, før nye eller skærpede krav tæller med.`
      : 'Når en ny version af kriterierne træder i kraft, gælder nye eller skærpede krav straks (ingen overgangsperiode).',
    policy.renewalWindowMonths > 0
      ? `Fornyelse kan søges fra ${months(policy.renewalWindowMonths)} før godkendelsen udløber.`
      : 'Fornyelse kan søges, når godkendelsen udløber.',
  ];
  return sentences.join(' ');
}

function conditionItems(condition: Condition): Item[] {
  if (isLeaf(condition)) return [{ inlines: [plain(describeLeaf(condition))] }];
  const [phrase, children] = groupPhrase(condition);
  return [{ inlines: [plain(phrase)], children }];
}

/** A group as its Danish lead-in and its members. */
function groupPhrase(condition: Exclude<Condition, { fact: string }>): [string, Item[]] {
  if ('all' in condition) return ['Alle af følgende:', condition.all.flatMap(conditionItems)];
  if ('any' in condition) return ['Mindst én af følgende:', condition.any.flatMap(conditionItems)];
  const inner = condition.not;
  if (isLeaf(inner)) return ['Ikke:', [{ inlines: [plain(describeLeaf(inner))] }]];
  if ('all' in inner) return ['Ikke alle af følgende:', inner.all.flatMap(conditionItems)];
  if ('any' in inner) return ['Ingen af følgende:', inner.any.flatMap(conditionItems)];
  return ['Ikke:', conditionItems(inner)];
}

function requirementBlocks(requirement: Requirement): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 4, text: `${requirement.id} · ${requirement.title.da}` }];
  blocks.push({
    kind: 'paragraph',
    inlines:
      requirement.severity === 'required'
        ? [bold('Krav'), plain(' – skal være opfyldt for at blive godkendt.')]
        : [bold('Anbefaling'), plain(' – vejledende; indgår ikke i den samlede vurdering.')],
  });
  const top = requirement.conditions;
  const members = 'all' in top ? top.all : 'any' in top ? top.any : undefined;
  if (members && members.length === 1 && isLeaf(members[0])) {
    blocks.push({ kind: 'paragraph', inlines: [bold('Betingelse:'), plain(` ${describeLeaf(members[0])}.`)] });
  } else {
    const [phrase, children] = groupPhrase(top);
    blocks.push({ kind: 'paragraph', inlines: [bold('Betingelse:'), plain(` ${phrase.charAt(0).toLowerCase()}${phrase.slice(1)}`)] });
    blocks.push({ kind: 'list', items: children });
  }
  const rationale = paragraphs(requirement.rationale.da);
  if (rationale.length > 0 && rationale[0].kind === 'paragraph') {
    rationale[0] = { kind: 'paragraph', inlines: [bold('Begrundelse:'), plain(' '), ...rationale[0].inlines] };
  }
  blocks.push(...rationale);
  return blocks;
}

function levelBlocks(ruleset: Ruleset, level: Level): Block[] {
  const rules = ruleset.levels[level];
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: LEVEL_TITLES[level] }];
  blocks.push({ kind: 'paragraph', inlines: [bold('Godkendelse:'), plain(` ${policySentences(rules.approvalPolicy)}`)] });
  const own = rules.requirements.length;
  if (rules.includesLevel) {
    const included = ruleset.levels[rules.includesLevel].requirements.length;
    blocks.push({
      kind: 'paragraph',
      inlines: [
        plain(`${LEVEL_NOUN[level].charAt(0).toUpperCase()}${LEVEL_NOUN[level].slice(1)} omfatter `),
        bold(`alle krav til ${LEVEL_NOUN[rules.includesLevel]}`),
        plain(` (${included} krav, se ovenfor) og desuden ${own === 1 ? 'følgende krav' : `følgende ${own} krav`}.`),
      ],
    });
  }
  for (const category of CATEGORIES) {
    const inCategory = rules.requirements.filter((r) => r.category === category);
    if (inCategory.length === 0) continue;
    blocks.push({ kind: 'heading', level: 3, text: CATEGORY_TITLES[category] });
    for (const requirement of inCategory) blocks.push(...requirementBlocks(requirement));
  }
  return blocks;
}

function documentBlocks(ruleset: Ruleset, options: RenderOptions): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: ruleset.title.da }];
  const from = options.inForce?.from ?? ruleset.effectiveFrom;
  const until = options.inForce ? options.inForce.until : (ruleset.effectiveTo ?? null);
  const facts: Item[] = [
    { inlines: [bold('Speciale:'), plain(` ${ruleset.speciale}`)] },
    { inlines: [bold('Version:'), plain(` ${ruleset.version}`)] },
    { inlines: [bold('Status:'), plain(` ${STATUS_WORDS[ruleset.status]}`)] },
    { inlines: [bold('I kraft fra:'), plain(` ${danishDate(from)}`)] },
  ];
  if (until) facts.push({ inlines: [bold('I kraft til og med:'), plain(` ${danishDate(until)}`)] });
  blocks.push({ kind: 'list', items: facts });
  blocks.push({ kind: 'paragraph', inlines: [bold('Bemærk:'), plain(` ${ruleset.illustrative}`)] });
  blocks.push(...paragraphs(ruleset.description.da));
  for (const level of LEVELS) blocks.push(...levelBlocks(ruleset, level));
  return blocks;
}

// ---- Markdown ----

// Characters that would otherwise start emphasis, code, links or inline HTML.
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<])/g, '\\$1');
}

function inlineMarkdown(inlines: Inline[]): string {
  return inlines.map((i) => (i.bold ? `**${escapeMarkdown(i.text)}**` : escapeMarkdown(i.text))).join('');
}

function listMarkdown(items: Item[], depth: number): string[] {
  return items.flatMap((item) => [`${'  '.repeat(depth)}- ${inlineMarkdown(item.inlines)}`, ...listMarkdown(item.children ?? [], depth + 1)]);
}

/** The rule set as Markdown. */
export function renderMarkdown(ruleset: Ruleset, options: RenderOptions = {}): string {
  const parts = documentBlocks(ruleset, options).map((block) => {
    switch (block.kind) {
      case 'heading':
        return `${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`;
      case 'paragraph':
        return inlineMarkdown(block.inlines);
      case 'list':
        return listMarkdown(block.items, 0).join('\n');
    }
  });
  return `${parts.join('\n\n')}\n`;
}

// ---- HTML ----

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function inlineHtml(inlines: Inline[]): string {
  return inlines.map((i) => (i.bold ? `<strong>${escapeHtml(i.text)}</strong>` : escapeHtml(i.text))).join('');
}

function listHtml(items: Item[]): string {
  const lis = items.map((item) => `<li>${inlineHtml(item.inlines)}${item.children?.length ? listHtml(item.children) : ''}</li>`);
  return `<ul>${lis.join('')}</ul>`;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}' +
  'h1{font-size:1.7rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}h4{margin-bottom:.25rem}ul{padding-left:1.4rem}';

/** The same document as a small self-contained HTML page (no scripts, no external resources). */
export function renderHtml(ruleset: Ruleset, options: RenderOptions = {}): string {
  const body = documentBlocks(ruleset, options).map((block) => {
    switch (block.kind) {
      case 'heading':
        return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
      case 'paragraph':
        return `<p>${inlineHtml(block.inlines)}</p>`;
      case 'list':
        return listHtml(block.items);
    }
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="da">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${ruleset.title.da} (version ${ruleset.version})`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
