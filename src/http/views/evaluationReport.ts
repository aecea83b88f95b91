import type { EvaluationView } from '../../approvals/service';
import { formatValue, requirementPhrase } from '../../rules/describe';
import { CATEGORY_TITLES } from '../../rules/render';
import { LEVEL_TITLES } from '../../rules/types';
import { escapeHtml, page } from './html';

const OVERALL_DA = { eligible: 'Opfylder kriterierne', 'not-eligible': 'Opfylder ikke kriterierne', incomplete: 'Ufuldstændig dokumentation' };

/**
 * The banner says what `approvable` says: green "Opfylder kriterierne" only when the evaluation can be the
 * ground of an approval today; an evaluation meeting every requirement that cannot (evidence out of date,
 * another version in force) says so, in amber.
 */
function banner(view: EvaluationView): { css: string; text: string } {
  if (view.approvable) return { css: 'eligible', text: OVERALL_DA.eligible };
  if (view.result.overall === 'eligible') return { css: 'not-approvable', text: 'Opfylder kravene, men kan ikke godkendes i dag' };
  return { css: view.result.overall, text: OVERALL_DA[view.result.overall] };
}
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
  const verdict = banner(view);
  const body = `
<h1>Evaluering: ${escapeHtml(LEVEL_TITLES[view.level])} – ${escapeHtml(view.speciale)}</h1>
<p class="verdict ${escapeHtml(verdict.css)}">${escapeHtml(verdict.text)}</p>
<p>${escapeHtml(r.summary)}</p>
${
  view.blockers.length === 0
    ? ''
    : `<h2>Kan ikke godkendes i dag</h2>
<ul class="blockers">${view.blockers.map((b) => `<li data-code="${escapeHtml(b.code)}">${escapeHtml(b.message)}</li>`).join('')}</ul>`
}
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
  <dt>Regelmotor</dt><dd>${escapeHtml(r.engine.name)} ${escapeHtml(r.engine.version)}, evaluatorens semantik version ${escapeHtml(view.semanticsVersion)}</dd>
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
