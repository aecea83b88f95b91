import { describeLeaf } from '../../src/rules/describe';
import { danishDate, policySentences, renderHtml, renderMarkdown } from '../../src/rules/render';
import type { LeafCondition } from '../../src/rules/types';
import { baseRuleset, edited } from './helpers';

describe('renderMarkdown', () => {
  const md = renderMarkdown(baseRuleset());

  it('starts with the title, the version facts and the illustrative note', () => {
    expect(md.split('\n').slice(0, 9)).toEqual([
      '# Demo – kriterier til test af regelværktøjet',
      '',
      '- **Speciale:** demo',
      '- **Version:** 1.0.0',
      '- **Status:** udgivet',
      '- **I kraft fra:** 1. januar 2026',
      '',
      '**Bemærk:** Illustrativt indhold: kun til test, ikke en specialebeskrivelse.',
      '',
    ]);
    expect(md).toContain('Et lille, selvstændigt regelsæt, som testene bygger deres fejl ud fra.');
  });

  it('states the approval policy in words per level', () => {
    expect(md).toContain(
      '**Godkendelse:** Godkendelsen gælder i 48 måneder. Kravene genvurderes hver 12. måned, og dokumentationen må højst være 12 måneder gammel. ' +
        'Når en ny version af kriterierne træder i kraft, har tilbud, der er godkendt efter en tidligere version, en overgangsperiode på 12 måneder, før nye eller skærpede krav tæller med. ' +
        'Fornyelse kan søges fra 6 måneder før godkendelsen udløber.',
    );
    expect(md).toContain('Godkendelsen gælder i 96 måneder.');
    expect(policySentences({ validityMonths: 1, recheckIntervalMonths: 1, maxEvidenceAgeMonths: 1, transitionMonths: 0, renewalWindowMonths: 0 })).toBe(
      'Godkendelsen gælder i 1 måned. Kravene genvurderes hver måned, og dokumentationen må højst være 1 måned gammel. ' +
        'Når en ny version af kriterierne træder i kraft, gælder nye eller skærpede krav straks (ingen overgangsperiode). Fornyelse kan søges, når godkendelsen udløber.',
    );
  });

  it('says the rådgivningsfunktion includes every specialfunktion requirement', () => {
    expect(md).toContain('Rådgivningsfunktionen omfatter **alle krav til specialfunktionen** (6 krav, se ovenfor) og desuden følgende 2 krav.');
  });

  it('groups requirements under Danish category headings, in catalogue order', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('## ') || l.startsWith('### '));
    expect(headings).toEqual([
      '## Specialfunktion',
      '### Kompetencer',
      '### Uddannelse',
      '### Aktiv praksis',
      '### Samarbejde',
      '### Organisering',
      '## Rådgivningsfunktion',
      '### Aktiv praksis',
      '### Samarbejde',
    ]);
  });

  it('writes each requirement with id, title, Krav/Anbefaling, the condition in words and the rationale', () => {
    const leaf = baseRuleset().levels.specialfunktion.requirements[0].conditions;
    const sentence = describeLeaf((leaf as { all: LeafCondition[] }).all[0]);
    expect(md).toContain(
      [
        '#### DEM-SF-01 · Mindst 2 årsværk med autismespecifikke metoder',
        '',
        '**Krav** – skal være opfyldt for at blive godkendt.',
        '',
        `**Betingelse:** ${sentence}.`,
        '',
        '**Begrundelse:** Kompetencen skal bæres af flere medarbejdere.',
      ].join('\n'),
    );
    expect(sentence).toMatch(/^Årsværk med kompetencen autismespecifikke metoder .* skal være mindst 2 årsværk$/);
    expect(md).toContain('#### DEM-SF-06 · Psykolog tilknyttet\n\n**Anbefaling** – vejledende; indgår ikke i den samlede vurdering.');
  });

  it('words nested all / any / not groups as lists', () => {
    expect(md).toContain('**Betingelse:** mindst én af følgende:\n\n- Gældende aftaler med regionspsykiatrien skal være mindst 1');
    expect(md).toContain('**Betingelse:** alle af følgende:\n\n- Skriftligt metodegrundlag skal være ja\n- Anvendte metoder omfatter TEACCH / strukturpædagogik');
    expect(md).toContain('**Betingelse:** ikke:\n\n- Udgående rådgivning skal være nej');
    const nested = renderMarkdown(
      edited(baseRuleset(), (r) => {
        r.levels.specialfunktion.requirements[0].conditions = {
          any: [
            { all: [{ fact: 'staffCount', operator: 'greaterThanInclusive', value: 3 }, { fact: 'userInvolvement', operator: 'equal', value: true }] },
            { not: { any: [{ fact: 'ownerType', operator: 'equal', value: 'privat' }] } },
          ],
        };
      }),
    );
    expect(nested).toContain(
      ['**Betingelse:** mindst én af følgende:', '', '- Alle af følgende:', '  - Antal medarbejdere skal være mindst 3 medarbejdere', '  - ', ].join('\n'),
    );
    expect(nested).toContain('- Ingen af følgende:\n  - Ejerform skal være privat');
  });

  it('shows the period the catalogue gives, and escapes Markdown in authored text', () => {
    const text = renderMarkdown(baseRuleset({ title: { da: 'Titel med *stjerne* og <tag>' } }), { inForce: { from: '2026-01-01', until: '2027-06-30' } });
    expect(text).toContain('- **I kraft til og med:** 30. juni 2027');
    expect(text.split('\n')[0]).toBe('# Titel med \\*stjerne\\* og \\<tag>');
  });

  it('formats dates in Danish', () => {
    expect(danishDate('2027-07-01')).toBe('1. juli 2027');
  });
});

describe('renderHtml', () => {
  it('is a small self-contained page with the same text, HTML-escaped', () => {
    const html = renderHtml(baseRuleset({ title: { da: 'A & B <script>alert(1)</script>' } }));
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="da">/);
    expect(html).toContain('<title>A &amp; B &lt;script&gt;alert(1)&lt;/script&gt; (version 1.0.0)</title>');
    expect(html).toContain('<h1>A &amp; B &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(html).toContain('<h4>DEM-SF-01 · Mindst 2 årsværk med autismespecifikke metoder</h4>');
    expect(html).toContain('<p><strong>Krav</strong> – skal være opfyldt for at blive godkendt.</p>');
    expect(html).toContain('<li><strong>Status:</strong> udgivet</li>');
    expect(html).toContain('<h3>Aktiv praksis</h3>');
  });
});
