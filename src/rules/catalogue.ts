import { addDays } from '../time/dates';
import { compareVersions } from './semver';
import { withoutEditorReference, type Ruleset, type Text } from './types';

export { compareVersions } from './semver';

export interface SpecialeSummary {
  speciale: string;
  /** The title of the latest published version (of the latest version when none is published). */
  title: Text;
  /** Every version, lowest first. */
  versions: string[];
}

/** The days a published version is in force, both inclusive; `until` null = open-ended. */
export interface InForcePeriod {
  from: string;
  until: string | null;
}

/**
 * The loaded rule set versions, by speciale. A published version is in force from its effectiveFrom
 * until the day before the next published version's effectiveFrom, or until its own effectiveTo if
 * that is earlier. Drafts and retired versions are never in force.
 */
export class RulesCatalogue {
  private readonly bySpeciale = new Map<string, Ruleset[]>();

  constructor(rulesets: Iterable<Ruleset>) {
    for (const loaded of rulesets) {
      const ruleset = withoutEditorReference(loaded);
      const versions = this.bySpeciale.get(ruleset.speciale) ?? [];
      if (versions.some((r) => r.version === ruleset.version)) {
        throw new Error(`version ${ruleset.version} af '${ruleset.speciale}' er indlæst to gange`);
      }
      versions.push(ruleset);
      this.bySpeciale.set(ruleset.speciale, versions);
    }
    for (const versions of this.bySpeciale.values()) versions.sort((a, b) => compareVersions(a.version, b.version));
  }

  /** Every speciale, by id. */
  specialer(): SpecialeSummary[] {
    return [...this.bySpeciale.keys()].sort().map((speciale) => {
      const versions = this.versions(speciale);
      const titled = this.latestPublished(speciale) ?? versions[versions.length - 1];
      return { speciale, title: titled.title, versions: versions.map((r) => r.version) };
    });
  }

  /** Every version of a speciale, lowest first; [] for an unknown speciale. */
  versions(speciale: string): Ruleset[] {
    return [...(this.bySpeciale.get(speciale) ?? [])];
  }

  get(speciale: string, version: string): Ruleset | undefined {
    return this.bySpeciale.get(speciale)?.find((r) => r.version === version);
  }

  /** Published versions ordered by when they come into force (then by version). */
  private published(speciale: string): Ruleset[] {
    return (this.bySpeciale.get(speciale) ?? [])
      .filter((r) => r.status === 'published')
      .sort((a, b) => (a.effectiveFrom !== b.effectiveFrom ? (a.effectiveFrom < b.effectiveFrom ? -1 : 1) : compareVersions(a.version, b.version)));
  }

  /** The published version in force on a date (YYYY-MM-DD), if any. */
  inForceOn(speciale: string, date: string): Ruleset | undefined {
    const started = this.published(speciale).filter((r) => r.effectiveFrom <= date);
    const latest = started[started.length - 1];
    if (!latest) return undefined;
    if (latest.effectiveTo !== undefined && latest.effectiveTo < date) return undefined;
    return latest;
  }

  /** When a version is in force; undefined for drafts, retired versions and versions superseded before they start. */
  inForcePeriod(speciale: string, version: string): InForcePeriod | undefined {
    const published = this.published(speciale);
    const index = published.findIndex((r) => r.version === version);
    if (index < 0) return undefined;
    const ruleset = published[index];
    const next = published.slice(index + 1).find((r) => r.effectiveFrom > ruleset.effectiveFrom);
    const beforeNext = next ? addDays(next.effectiveFrom, -1) : undefined;
    if (published.slice(index + 1).some((r) => r.effectiveFrom === ruleset.effectiveFrom)) return undefined;
    const candidates = [beforeNext, ruleset.effectiveTo].filter((d): d is string => d !== undefined).sort();
    const until = candidates[0] ?? null;
    if (until !== null && until < ruleset.effectiveFrom) return undefined;
    return { from: ruleset.effectiveFrom, until };
  }

  /** The highest published version below `version` (the one a new version's transition is measured against). */
  previousPublished(speciale: string, version: string): Ruleset | undefined {
    const lower = (this.bySpeciale.get(speciale) ?? []).filter((r) => r.status === 'published' && compareVersions(r.version, version) < 0);
    return lower[lower.length - 1];
  }

  /** The highest published version. */
  latestPublished(speciale: string): Ruleset | undefined {
    const published = (this.bySpeciale.get(speciale) ?? []).filter((r) => r.status === 'published');
    return published[published.length - 1];
  }
}
