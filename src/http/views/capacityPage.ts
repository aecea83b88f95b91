import type { CapacityReport, CapacityRow } from '../../capacity';
import { allMunicipalities, tilsynInfo, tilsynOf } from '../../geography';
import { danishDate } from '../../rules/render';
import { LEVEL_TITLES } from '../../rules/types';
import { escapeHtml, page } from './html';

/**
 * The capacity page speaks Danish throughout: specialer by their titles from the rule catalogue, levels by
 * their names, each region with the socialtilsyn that supervises it (from the geography data), dates in words.
 */

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

/** The names of the socialtilsyn supervising a region's municipalities (more than one if a municipality was moved). */
function tilsynNamesOf(region: string): string {
  const ids = new Set(allMunicipalities().filter((m) => m.region === region).map((m) => tilsynOf(m.kode)));
  return [...ids].map((id) => (id ? (tilsynInfo(id)?.navn ?? id) : '')).filter(Boolean).join(', ');
}

function levelSection(row: CapacityRow): string {
  const rows = row.regions
    .map((c) => `<tr><td>${escapeHtml(c.region)}</td><td>${escapeHtml(tilsynNamesOf(c.region))}</td><td>${c.active}</td><td>${c.atRisk}</td><td>${c.expiringWithin6Months}</td><td>${c.citizenCourses12Months}</td></tr>`)
    .join('');
  const gaps = row.gaps.length ? `<p class="not-met">Regioner uden dækning: ${escapeHtml(row.gaps.join(', '))}</p>` : '<p class="met">Alle regioner er dækket.</p>';
  return `<h3>${escapeHtml(LEVEL_TITLES[row.level])}</h3>
${chart(row)}
${gaps}
<table><thead><tr><th>Region</th><th>Socialtilsyn</th><th>Aktive</th><th>I risiko</th><th>Udløber inden 6 mdr.</th><th>Borgerforløb (12 mdr.)</th></tr></thead>
<tbody>${rows}<tr><th colspan="2">I alt</th><th>${row.totals.active}</th><th>${row.totals.atRisk}</th><th>${row.totals.expiringWithin6Months}</th><th>${row.totals.citizenCourses12Months}</th></tr></tbody></table>`;
}

/** `specialeTitle`: a speciale's Danish title from the rule catalogue. */
export function renderCapacityPage(report: CapacityReport, specialeTitle: (speciale: string) => string): string {
  const bySpeciale = new Map<string, CapacityRow[]>();
  for (const row of report.rows) bySpeciale.set(row.speciale, [...(bySpeciale.get(row.speciale) ?? []), row]);
  const sections = [...bySpeciale]
    .map(([speciale, rows]) => `<h2>${escapeHtml(specialeTitle(speciale))}</h2>\n${rows.map(levelSection).join('\n')}`)
    .join('\n');
  return page(
    'National kapacitet',
    `<h1>National kapacitet pr. speciale</h1><p>Opgjort ${escapeHtml(danishDate(report.asOf))}. Grøn: godkendelser i kraft; orange: i risiko.</p>${sections}`,
  );
}
