import type { EvaluationView } from '../../approvals/service';
import { formatValue, requirementPhrase } from '../../rules/describe';
import { CATEGORY_TITLES, LEVEL_TITLES } from '../../rules/render';
import { escapeHtml, page } from './html';

const OVERALL_DA = { eligible: 'Opfylder kriterierne', 'not-eligible': 'Opfylder ikke kriterierne', incomplete: 'Ufuldstændig dokumentation' };
const OUTCOME_DA = { met: 'Opfyldt', 'not-met': 'Ikke opfyldt', 'insufficient-evidence': 'Mangler dokumentation', missing: 'Mangler' };

/** The printable evaluation report an inspector attaches to the decision letter. */
export function renderEvaluationReport(view: EvaluationView): string {
  const r = view.result;
  const rows = r.requirements
    .map((req) => {
      const conditions = req.conditions
        .map(
          (c) =>
            `<li>${escapeHtml(c.explanation)}<br><small>Faktisk: <strong>${escapeHtml(formatValue(c.actual, c.unit))}</strong> · Krav: ${escapeHtml(
              requirementPhrase({ fact: c.fact, operator: c.operator, value: c.required, path: c.path, params: c.params }),
            )}</small></li>`,
        )
        .join('');
      return `<tr>
  <td class="id"><code>${escapeHtml(req.id)}</code></td>
  <td>${escapeHtml(req.title)}<br><small>${escapeHtml(CATEGORY_TITLES[req.category])} · ${req.severity === 'required' ? 'Krav' : 'Anbefaling'}${req.transitional ? ' · i overgangsperiode' : ''}</small><ul>${conditions}</ul></td>
  <td class="${escapeHtml(req.outcome)}">${escapeHtml(OUTCOME_DA[req.outcome])}</td>
</tr>`;
    })
    .join('\n');
  const p = r.provider;
  const body = `
<h1>Evaluering: ${escapeHtml(LEVEL_TITLES[view.level])} – ${escapeHtml(view.speciale)}</h1>
<p class="verdict ${escapeHtml(r.overall)}">${escapeHtml(OVERALL_DA[r.overall])}</p>
<p>${escapeHtml(r.summary)}</p>
<h2>Tilbud</h2>
<dl>
  <dt>Navn</dt><dd>${escapeHtml(p.name)}</dd>
  <dt>Tilbuds-id</dt><dd>${escapeHtml(p.tilbudId)}</dd>
  <dt>CVR</dt><dd>${escapeHtml(p.cvr)}</dd>
  <dt>Kommune</dt><dd>${escapeHtml(p.municipality)} (${escapeHtml(p.kommunekode)}), Region ${escapeHtml(p.region)}</dd>
  <dt>Socialtilsyn</dt><dd>Socialtilsyn ${escapeHtml(p.tilsyn)}</dd>
</dl>
<h2>Grundlag</h2>
<dl>
  <dt>Regelsæt</dt><dd>${escapeHtml(view.speciale)} version ${escapeHtml(view.rulesetVersion)}</dd>
  <dt>Regelsættets hash</dt><dd><code>${escapeHtml(view.rulesetHash)}</code></dd>
  <dt>Dokumentationens hash</dt><dd><code>${escapeHtml(view.evidenceHash)}</code></dd>
  <dt>Vurderingsdato</dt><dd>${escapeHtml(view.asOf)}</dd>
  <dt>Dokumentation indberettet</dt><dd>${escapeHtml(r.evidence.reportingDate)} (${escapeHtml(r.evidence.ageMonths)} ${r.evidence.ageMonths === 1 ? 'måned' : 'måneder'} gammel; højst ${escapeHtml(r.evidence.maxAgeMonths)} tilladt)</dd>
  <dt>Regelmotor</dt><dd>${escapeHtml(r.engine.name)} ${escapeHtml(r.engine.version)}</dd>
  <dt>Evaluering</dt><dd>${view.id ? `<code>${escapeHtml(view.id)}</code>, ` : ''}${escapeHtml(view.createdAt)} af ${escapeHtml(view.createdBy)}</dd>
</dl>
<h2>Krav</h2>
<table>
<thead><tr><th>Id</th><th>Krav og vurdering</th><th>Resultat</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><small>Motoren anbefaler; afgørelsen træffes af den tilsynsførende. Evalueringen kan genskabes ud fra regelsættets og dokumentationens hash.</small></p>`;
  return page(`Evaluering ${view.speciale} – ${p.name}`, body);
}
