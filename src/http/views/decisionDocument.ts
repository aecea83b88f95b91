import type { DecisionDocument } from '../../decisions/document';
import { CATEGORY_TITLES, danishDate } from '../../rules/render';
import { LEVEL_TITLES } from '../../rules/types';
import { escapeHtml, page } from './html';

const OUTCOME_DA = { met: 'Opfyldt', 'not-met': 'Ikke opfyldt', 'insufficient-evidence': 'Mangler dokumentation', missing: 'Mangler' };
const STATUS_DA: Record<string, string> = {
  active: 'gældende',
  'at-risk': 'gældende, i risiko',
  'evidence-overdue': 'gældende, dokumentation for gammel',
  rejected: 'afslået',
  revoked: 'tilbagekaldt',
  expired: 'udløbet',
};
const OVERALL_DA: Record<string, string> = { eligible: 'opfylder kriterierne', 'not-eligible': 'opfylder ikke kriterierne', incomplete: 'ufuldstændig dokumentation' };

/** Print rules of their own: A4 margins, and no table row or section split over two pages where it can be helped. */
const PRINT_CSS = `<style>
  @page { size: A4; margin: 18mm 16mm; }
  @media print { body { max-width: none; font-size: 10.5pt; } tr, .keep { break-inside: avoid; } h2 { break-after: avoid; } }
  .notice { border: 2px solid #8a5a00; background: #fff3d6; padding: .5rem .8rem; }
  .statement { font-size: 1.1rem; font-weight: 600; }
  .meta { color: #555; }
</style>`;

/** The written decision as a printable page (any browser prints it to PDF); the same content as the JSON. */
export function renderDecisionDocument(doc: DecisionDocument): string {
  const d = doc.decision;
  const p = doc.parties.provider;
  const paragraphs = (items: string[]) => items.map((t) => `<p>${escapeHtml(t)}</p>`).join('\n');
  const rows = doc.reasons
    .map(
      (r) => `<tr>
  <td class="id"><code>${escapeHtml(r.id)}</code></td>
  <td>${escapeHtml(r.title)}<br><small>${escapeHtml(CATEGORY_TITLES[r.category] ?? r.category)} · ${r.severity === 'required' ? 'Krav' : 'Anbefaling'}${r.transitional ? ' · i overgangsperiode' : ''}</small>
  <ul>${r.conditions.map((c) => `<li>Faktisk: <strong>${escapeHtml(c.actualText)}</strong> · Krav: ${escapeHtml(c.requiredText)}</li>`).join('')}</ul></td>
  <td class="${escapeHtml(r.outcome)}">${escapeHtml(OUTCOME_DA[r.outcome])}</td>
</tr>`,
    )
    .join('\n');
  const period = d.period ? `${danishDate(d.period.validFrom)} – ${danishDate(d.period.validUntil)}` : '–';
  const body = `${PRINT_CSS}
${doc.notice ? `<p class="notice"><strong>Illustrativ tekst.</strong> ${escapeHtml(doc.notice)}</p>` : ''}
<p class="meta">${escapeHtml(doc.parties.authority.name)} · ${escapeHtml(danishDate(doc.decidedOn))} · afgørelse ${doc.number} af ${doc.count} i godkendelse <code>${escapeHtml(doc.approvalId)}</code></p>
<h1>${escapeHtml(doc.title)}</h1>
<p class="statement">${escapeHtml(d.statement)}</p>
<h2>Parter</h2>
<dl>
  <dt>Tilbud</dt><dd>${escapeHtml(p.name)}</dd>
  <dt>Tilbuds-id</dt><dd>${escapeHtml(p.tilbudId)}</dd>
  <dt>CVR</dt><dd>${escapeHtml(p.cvr)}</dd>
  <dt>Kommune</dt><dd>${escapeHtml(p.municipality)} (${escapeHtml(p.kommunekode)}), Region ${escapeHtml(p.region)}</dd>
  <dt>Myndighed</dt><dd>${escapeHtml(doc.parties.authority.name)}</dd>
  <dt>Truffet af</dt><dd>${escapeHtml(doc.parties.decidedBy)}, ${escapeHtml(doc.decidedAt)}</dd>
</dl>
<h2>Afgørelsen</h2>
<dl>
  <dt>Speciale og niveau</dt><dd>${escapeHtml(d.speciale)} – ${escapeHtml(LEVEL_TITLES[d.level])}</dd>
  <dt>Periode</dt><dd>${escapeHtml(period)}</dd>
  ${d.tender ? `<dt>Udbud</dt><dd>${escapeHtml(d.tender)}</dd>` : ''}
  ${d.previousValidUntil ? `<dt>Hidtil gyldig til og med</dt><dd>${escapeHtml(danishDate(d.previousValidUntil))}</dd>` : ''}
  ${d.endsOn ? `<dt>Ophører med virkning fra</dt><dd>${escapeHtml(danishDate(d.endsOn))}</dd>` : ''}
  ${d.status ? `<dt>Status herefter</dt><dd>${escapeHtml(STATUS_DA[d.status] ?? d.status)}</dd>` : ''}
</dl>
${d.reason ? `<h2>Begrundelse</h2>\n<p>${escapeHtml(d.reason)}</p>` : ''}
<h2>Retsgrundlag</h2>
${paragraphs(doc.legalBasis)}
<h2>Kriterier (regelsæt)</h2>
<dl>
  <dt>Regelsæt</dt><dd>${escapeHtml(doc.ruleset.title ?? doc.ruleset.speciale)}, version ${escapeHtml(doc.ruleset.version)}</dd>
  <dt>I kraft fra</dt><dd>${doc.ruleset.effectiveFrom ? escapeHtml(danishDate(doc.ruleset.effectiveFrom)) : 'ukendt (versionen er ikke indlæst)'}${doc.ruleset.effectiveTo ? ` til og med ${escapeHtml(danishDate(doc.ruleset.effectiveTo))}` : ''}</dd>
  <dt>Regelsættets hash</dt><dd><code>${escapeHtml(doc.ruleset.hash)}</code></dd>
</dl>
<h2>Vurdering krav for krav</h2>
${
  doc.evaluation
    ? `<p>Evaluering <code>${escapeHtml(doc.evaluation.id)}</code> pr. ${escapeHtml(danishDate(doc.evaluation.asOf))}: tilbuddet ${escapeHtml(OVERALL_DA[doc.evaluation.overall] ?? doc.evaluation.overall)}. ${escapeHtml(doc.evaluation.summary)}</p>
<table>
<thead><tr><th>Id</th><th>Krav – faktisk og krævet</th><th>Resultat</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p>Ingen gemt evaluering ligger til grund for afgørelsen.</p>'
}
<h2>Dokumentation</h2>
${
  doc.evidence
    ? `<dl>
  <dt>Indberettet</dt><dd>${escapeHtml(danishDate(doc.evidence.reportingDate))}</dd>
  <dt>Dokumentationens hash</dt><dd><code>${escapeHtml(doc.evidence.hash)}</code></dd>
</dl>`
    : '<p>–</p>'
}
<h2>Tilbuddets pligter og genvurdering</h2>
<div class="keep">
<p>${escapeHtml(doc.obligations.reportingDuty)}</p>
<p>${escapeHtml(doc.obligations.recheck)}</p>
${doc.obligations.nextDueDate ? `<p>Næste planlagte genvurdering: ${escapeHtml(danishDate(doc.obligations.nextDueDate))}.</p>` : ''}
</div>
<h2>Klagevejledning</h2>
<div class="keep">
${paragraphs(doc.appeal)}
</div>`;
  return page(`${doc.title} – ${p.name}`, body);
}
