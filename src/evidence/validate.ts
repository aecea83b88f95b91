import { municipality } from '../geography';
import type { CodeWithStatus } from '../problems/codes';
import { escapePointer, validateAgainst, type CodedProblem } from '../schemas';
import { isInVocabulary, vocabulary, type VocabularyName } from './catalogue';
import { containsCprLike, CPR_CODE, CPR_MESSAGE, findCprLikeValues } from '../privacy/cpr';
import { isValidCvr } from './cvr';
import { closest } from './suggest';
import { evidenceDateProblems } from './dates';
import type { Evidence } from './types';

/**
 * Every problem with a piece of evidence, each with its JSON Pointer: CPR-like values first (named by
 * path only, never echoed), then the JSON Schema, then what a schema cannot say (CVR check digit,
 * municipality, vocabularies, date order, duplicate references, nothing dated after the reporting date –
 * and, given `today`, a reporting date not after it). Each carries its code: a schema keyword's, or the
 * refusal's own (src/problems/codes.ts; date problems from src/evidence/dates.ts).
 */
export function validateEvidence(evidence: unknown, options: { shapeChecked?: boolean; today?: string } = {}): CodedProblem[] {
  // The HTTP layer has already run the CPR guard over the whole request and validated it against the
  // contract (which includes this schema); it says so, and only the semantic checks are left.
  if (options.shapeChecked) return semanticProblems(evidence as Evidence, options.today);
  const cpr: CodedProblem[] = findCprLikeValues(evidence).map((pointer) => ({ pointer, message: CPR_MESSAGE, code: CPR_CODE }));
  const schema = validateAgainst('evidence', evidence);
  if (schema.length > 0) return [...cpr, ...schema.filter((p) => !cpr.some((c) => c.pointer === p.pointer))];
  // A CPR-like value is named once, by the guard's finding: no other message about it (which might quote it).
  return [...cpr, ...semanticProblems(evidence as Evidence, options.today).filter((p) => !cpr.some((c) => c.pointer === p.pointer))];
}

/** What a schema cannot say about evidence, each a 422 with its own code. */
interface SemanticProblem {
  pointer: string;
  message: string;
  code: CodeWithStatus<422>;
}

function semanticProblems(evidence: Evidence, today: string | undefined): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const vocab = (pointer: string, name: VocabularyName, value: string) => {
    // The value is quoted to help, unless it looks like a CPR number: then only the pointer names it.
    const quoted = containsCprLike(value) ? 'Værdien' : `'${value}'`;
    if (isInVocabulary(name, value)) return;
    // The closest value as the rules CLI suggests it; a CPR-like value gets no guess (nothing is built from it).
    const guess = containsCprLike(value) ? undefined : closest(value, vocabulary(name).map((e) => e.id));
    problems.push({
      pointer,
      code: 'unknown-vocabulary-value',
      message: `${quoted} er ikke en kendt værdi i ordlisten ${name}; ${guess ? `mente du '${guess}'? ` : ''}se de tilladte værdier i GET /v1/vocabularies`,
    });
  };
  const order = (pointer: string, from: string, to: string | undefined, what: string) => {
    if (to !== undefined && to < from) problems.push({ pointer, code: 'end-before-start', message: `${what} ligger før startdatoen ${from}` });
  };

  const { provider } = evidence;
  if (!isValidCvr(provider.cvr)) {
    problems.push({ pointer: '/provider/cvr', code: 'invalid-cvr', message: 'CVR-nummeret er ugyldigt (8 cifre med modulus 11-kontrolciffer)' });
  }
  if (!municipality(provider.kommunekode)) {
    problems.push({ pointer: '/provider/kommunekode', code: 'unknown-kommunekode', message: `${provider.kommunekode} er ikke en kendt kommunekode (3 cifre, fx 101 København)` });
  }

  const refs = new Set<string>();
  (evidence.staff ?? []).forEach((s, i) => {
    const at = `/staff/${i}`;
    if (refs.has(s.ref)) problems.push({ pointer: `${at}/ref`, code: 'duplicate-staff-ref', message: `medarbejderreferencen '${s.ref}' er brugt mere end én gang` });
    refs.add(s.ref);
    vocab(`${at}/profession`, 'professions', s.profession);
    s.educations?.forEach((e, j) => vocab(`${at}/educations/${j}/education`, 'educations', e.education));
    s.competences?.forEach((c, j) => vocab(`${at}/competences/${j}/competence`, 'competences', c.competence));
    s.courses?.forEach((c, j) => c.competence !== undefined && vocab(`${at}/courses/${j}/competence`, 'competences', c.competence));
  });

  evidence.citizenCourses?.entries?.forEach((e, i) => {
    vocab(`/citizenCourses/entries/${i}/targetGroup`, 'targetGroups', e.targetGroup);
    order(`/citizenCourses/entries/${i}/endDate`, e.startDate, e.endDate, 'slutdatoen');
  });
  evidence.citizenCourses?.counts?.forEach((c, i) => {
    vocab(`/citizenCourses/counts/${i}/targetGroup`, 'targetGroups', c.targetGroup);
    order(`/citizenCourses/counts/${i}/periodEnd`, c.periodStart, c.periodEnd, 'periodens slutdato');
  });
  evidence.agreements?.forEach((a, i) => {
    vocab(`/agreements/${i}/partnerType`, 'partnerTypes', a.partnerType);
    order(`/agreements/${i}/validTo`, a.validFrom, a.validTo, 'aftalens slutdato');
  });
  evidence.organisation?.methods?.forEach((m, i) => vocab(`/organisation/methods/${i}`, 'methods', m));
  evidence.organisation?.targetGroups?.forEach((g, i) => vocab(`/organisation/targetGroups/${i}`, 'targetGroups', g));
  problems.push(...evidenceDateProblems(evidence, { today }));
  for (const pointer of textNotWellFormed(evidence)) {
    problems.push({ pointer, code: 'malformed-text', message: 'teksten indeholder et ugyldigt tegn (en enlig UTF-16-surrogat, fx \\ud800) og kan ikke gemmes, som den er' });
  }
  return problems;
}

/**
 * Pointers of strings (values or keys) with an unpaired surrogate, which JSON can carry as `\ud800` but
 * UTF-8 cannot: MongoDB would store a replacement character, and the evidence would no longer be the
 * evidence its hash was taken of. Evidence has passed its schema, so it is shallow enough to recurse.
 * Every request walks the whole evidence, so a pointer is only built for a string that fails.
 */
function textNotWellFormed(evidence: unknown): string[] {
  const found: string[] = [];
  const path: (string | number)[] = [];
  const pointer = () => path.map((token) => `/${typeof token === 'number' ? token : escapePointer(token)}`).join('');
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!isWellFormed(value)) found.push(pointer());
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walk(value[i]);
        path.pop();
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        if (!isWellFormed(key)) {
          found.push(pointer());
          continue;
        }
        path.push(key);
        walk((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(evidence);
  return found;
}

function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed exists in Node 20 but not in the ES2022 lib typings.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
