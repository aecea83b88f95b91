import { LEVEL_TITLES } from '../../rules/types';
import type { Worklist, WorklistItem, WorklistKind } from '../../worklist/worklist';
import { escapeHtml, page } from './html';

export const KIND_TITLES: Record<WorklistKind, string> = {
  'at-risk': 'Godkendelser i risiko',
  'specialfunktion-ended': 'Rådgivningsfunktioner uden specialfunktion (Socialstyrelsen)',
  'evidence-overdue': 'Dokumentation for gammel',
  'failed-recheck': 'Mislykkede genvurderinger',
  'renewal-window': 'Fornyelsesvindue åbent',
  ending: 'Udløber inden for 90 dage',
  'evidence-dates': 'Evalueringer med datofejl i dokumentationen',
};

const CSS = `<style>
  .overdue { background: #fbe4e4; } .overdue td:first-child { border-left: 4px solid #a4161a; }
  .flag { color: #a4161a; font-weight: 700; }
  @media print { tr { break-inside: avoid; } h2 { break-after: avoid; } body { max-width: none; } }
</style>`;

function row(item: WorklistItem): string {
  const due = item.dueDate ? `${escapeHtml(item.dueDate)}${item.daysLeft !== undefined ? `<br><small>${item.daysLeft < 0 ? `${-item.daysLeft} dage over` : `om ${item.daysLeft} dage`}</small>` : ''}` : '–';
  const ref = item.approvalId ? `godkendelse <code>${escapeHtml(item.approvalId)}</code>` : `evaluering <code>${escapeHtml(item.evaluationId ?? '')}</code>`;
  return `<tr class="${item.overdue ? 'overdue' : ''}">
  <td>${item.overdue ? '<span class="flag">Frist overskredet</span><br>' : ''}${due}</td>
  <td>${escapeHtml(item.provider.name)}<br><small>tilbud ${escapeHtml(item.provider.tilbudId)} · CVR ${escapeHtml(item.provider.cvr)} · Socialtilsyn ${escapeHtml(item.tilsyn)}</small></td>
  <td>${escapeHtml(item.speciale)}<br><small>${escapeHtml(LEVEL_TITLES[item.level])}</small></td>
  <td>${escapeHtml(item.message)}<br><small>${ref}</small></td>
</tr>`;
}

/** The worklist as a page to read or print: one table per kind, most urgent first, overdue items marked. */
export function renderWorklistPage(list: Worklist): string {
  const sections = (Object.keys(KIND_TITLES) as WorklistKind[])
    .map((kind) => {
      const items = list.items.filter((i) => i.kind === kind);
      if (items.length === 0) return '';
      return `<h2>${escapeHtml(KIND_TITLES[kind])} (${items.length})</h2>
<table>
<thead><tr><th>Frist</th><th>Tilbud</th><th>Speciale</th><th>Hvad skal der ske</th></tr></thead>
<tbody>
${items.map(row).join('\n')}
</tbody>
</table>`;
    })
    .join('\n');
  const run = list.lastRun
    ? `<p><small>Seneste genvurderingskørsel: <code>${escapeHtml(list.lastRun.id)}</code>, ${escapeHtml(list.lastRun.status)}, startet ${escapeHtml(list.lastRun.startedAt)}, ${list.lastRun.failureCount} fejl.${list.lastRun.runFailures.map((f) => ` ${escapeHtml(f)}`).join('')}</small></p>`
    : '';
  const body = `${CSS}
<h1>Arbejdsliste${list.tilsyn ? ` – Socialtilsyn ${escapeHtml(list.tilsyn)}` : ''}</h1>
<p>Pr. ${escapeHtml(list.asOf)}: ${list.items.length} ${list.items.length === 1 ? 'opgave' : 'opgaver'}${list.overdue > 0 ? `, heraf <strong class="flag">${list.overdue} med overskredet frist</strong>` : ''}. Intet tilbagekaldes automatisk: afgørelsen er den tilsynsførendes.</p>
${sections || '<p>Ingen opgaver.</p>'}
${run}`;
  return page(`Arbejdsliste ${list.asOf}`, body);
}
