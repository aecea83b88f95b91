import type { CapacityReport, CapacityRow } from '../../capacity';
import { LEVEL_TITLES } from '../../rules/types';
import { escapeHtml, page } from './html';


/** A bar per region (approvals in force, at risk stacked on top), drawn as inline SVG: no scripts, no front-end build. */
function chart(row: CapacityRow): string {
  const width = 520;
  const barWidth = 70;
  const gap = 30;
  const height = 160;
  const max = Math.max(1, ...row.regions.map((c) => c.active + c.atRisk));
  const bars = row.regions
    .map((c, i) => {
      const x = 20 + i * (barWidth + gap);
      const activeH = Math.round((c.active / max) * (height - 40));
      const riskH = Math.round((c.atRisk / max) * (height - 40));
      const base = height - 20;
      return `<g>
  <rect x="${x}" y="${base - activeH}" width="${barWidth}" height="${activeH}" fill="#2e7d4f"><title>${escapeHtml(c.region)}: ${c.active} aktive</title></rect>
  <rect x="${x}" y="${base - activeH - riskH}" width="${barWidth}" height="${riskH}" fill="#d98c00"><title>${escapeHtml(c.region)}: ${c.atRisk} i risiko</title></rect>
  <text x="${x + barWidth / 2}" y="${base - activeH - riskH - 4}" text-anchor="middle" font-size="12">${c.active + c.atRisk}</text>
  <text x="${x + barWidth / 2}" y="${height - 4}" text-anchor="middle" font-size="11">${escapeHtml(c.region)}</text>
</g>`;
    })
    .join('\n');
  return `<svg role="img" aria-label="Godkendelser pr. region" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

export function renderCapacityPage(report: CapacityReport): string {
  const sections = report.rows
    .map((row) => {
      const rows = row.regions
        .map((c) => `<tr><td>${escapeHtml(c.region)}</td><td>${c.active}</td><td>${c.atRisk}</td><td>${c.expiringWithin6Months}</td><td>${c.citizenCourses12Months}</td></tr>`)
        .join('');
      const gaps = row.gaps.length ? `<p class="not-met">Regioner uden dækning: ${escapeHtml(row.gaps.join(', '))}</p>` : '<p class="met">Alle regioner er dækket.</p>';
      return `<h2>${escapeHtml(row.speciale)} – ${escapeHtml(LEVEL_TITLES[row.level])}</h2>
${chart(row)}
${gaps}
<table><thead><tr><th>Region</th><th>Aktive</th><th>I risiko</th><th>Udløber inden 6 mdr.</th><th>Borgerforløb (12 mdr.)</th></tr></thead>
<tbody>${rows}<tr><th>I alt</th><th>${row.totals.active}</th><th>${row.totals.atRisk}</th><th>${row.totals.expiringWithin6Months}</th><th>${row.totals.citizenCourses12Months}</th></tr></tbody></table>`;
    })
    .join('\n');
  return page('National kapacitet', `<h1>National kapacitet pr. speciale</h1><p>Opgjort ${escapeHtml(report.asOf)}. Grøn: godkendelser i kraft; orange: i risiko.</p>${sections}`);
}
