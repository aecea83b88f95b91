import type { Ruleset, Text } from './types';
import { addDays, type IsoDate } from '../time/dates';

/** Semantic-version order: 1.2.0 < 1.10.0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

export interface SpecialeSummary {
  speciale: string;
  title: Text;
  versions: string[];
}

export interface InForcePeriod {
  from: IsoDate;
  /** Last day in force; null when open-ended. */
  until: IsoDate | null;
}

/**
 * The loaded rule sets, by speciale and version. A published version is in force from its effectiveFrom
 * until the day before the next published version's effectiveFrom, or its own effectiveTo if earlier.
 * Drafts and retired versions are never in force.
 */
export class RulesCatalogue {
  private readonly bySpeciale = new Map<string, Ruleset[]>();

  constructor(rulesets: readonly Ruleset[]) {
    for (const r of rulesets) {
      const list = this.bySpeciale.get(r.speciale) ?? [];
      list.push(r);
      this.bySpeciale.set(r.speciale, list);
    }
    for (const list of this.bySpeciale.values()) list.sort((a, b) => compareVersions(a.version, b.version));
  }

  specialer(): SpecialeSummary[] {
    return [...this.bySpeciale.keys()].sort().map((speciale) => {
      const versions = this.versions(speciale);
      const latest = versions[versions.length - 1];
      return { speciale, title: latest.title, versions: versions.map((v) => v.version) };
    });
  }

  /** Every version of a speciale, oldest first; empty for an unknown speciale. */
  versions(speciale: string): Ruleset[] {
    return this.bySpeciale.get(speciale) ?? [];
  }

  get(speciale: string, version: string): Ruleset | undefined {
    return this.versions(speciale).find((r) => r.version === version);
  }

  private published(speciale: string): Ruleset[] {
    return this.versions(speciale).filter((r) => r.status === 'published');
  }

  inForcePeriod(speciale: string, version: string): InForcePeriod | undefined {
    const published = this.published(speciale);
    const index = published.findIndex((r) => r.version === version);
    if (index < 0) return undefined;
    const r = published[index];
    const next = published[index + 1];
    const beforeNext = next ? addDays(next.effectiveFrom, -1) : null;
    const until = [beforeNext, r.effectiveTo ?? null].filter((d): d is string => d !== null).sort()[0] ?? null;
    return { from: r.effectiveFrom, until };
  }

  inForceOn(speciale: string, date: IsoDate): Ruleset | undefined {
    return this.published(speciale).find((r) => {
      const period = this.inForcePeriod(speciale, r.version) as InForcePeriod;
      return period.from <= date && (period.until === null || date <= period.until);
    });
  }

  previousPublished(speciale: string, version: string): Ruleset | undefined {
    const older = this.published(speciale).filter((r) => compareVersions(r.version, version) < 0);
    return older[older.length - 1];
  }
}
