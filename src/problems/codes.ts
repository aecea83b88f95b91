/**
 * Every problem the service answers, by its stable kebab-case code: the problem `type` is
 * `https://specialfunktion.dk/problems/<code>`, and the HTTP status follows from the code, so one kind of
 * problem has one status on every route. The same codes name invalid parameters (`errors[].code`) where a
 * domain rule refuses a field; a schema error's code (the table in src/schemas/messages.ts) is not listed here.
 * openapi.yaml (the Problem schema) and the README list this table; a test keeps the three equal.
 *
 * Low in the dependency graph on purpose: evidence, approvals, providers, auth and http all name codes.
 */

/** code → HTTP status and what it means (Danish, for people reading the contract). */
export const PROBLEM_CODES = {
  // 400: the request cannot be read as it is.
  'malformed-request': { status: 400, meaning: 'Forespørgslen er ikke gyldig HTTP og afvises, før tjenesten ser den' },
  'malformed-path-encoding': { status: 400, meaning: 'Stien indeholder en ugyldig %-kodning' },
  'malformed-json': { status: 400, meaning: 'Indholdet er ikke gyldig JSON' },
  'unreadable-body': { status: 400, meaning: 'Indholdet kan ikke læses (fx en komprimering, der ikke kan pakkes ud)' },
  'request-aborted': { status: 400, meaning: 'Forespørgslen blev afbrudt, før indholdet var modtaget' },
  'unknown-query-parameter': { status: 400, meaning: 'En query-parameter, operationen ikke kender; de kendte står i knownParameters' },
  // 401 and 403: who is asking, and may they.
  unauthenticated: { status: 401, meaning: 'Der mangler et bearer-token i Authorization-headeren' },
  'invalid-token': { status: 401, meaning: 'Tokenet er ugyldigt eller udløbet' },
  'role-not-allowed': { status: 403, meaning: 'Kalderens rolle må ikke udføre handlingen' },
  'provider-of-other-tilsyn': { status: 403, meaning: 'Tilbuddet hører under et andet socialtilsyn end kalderens' },
  'decided-by-socialtilsyn': { status: 403, meaning: 'Kun tilbuddets socialtilsyn (eller en administrator) træffer afgørelse om en specialfunktion' },
  'advisory-decided-by-socialstyrelsen': { status: 403, meaning: 'Rådgivningsfunktioner tildeles, fornyes og tilbagekaldes af Socialstyrelsen efter udbud' },
  // 404: nothing there (or nothing the caller may see).
  'not-found': { status: 404, meaning: 'Ingen ressource på stien' },
  'speciale-not-found': { status: 404, meaning: 'Specialet findes ikke' },
  'ruleset-version-not-found': { status: 404, meaning: 'Versionen af specialets regelsæt findes ikke' },
  'no-version-in-force': { status: 404, meaning: 'Ingen udgivet version af specialet gælder på datoen' },
  'evaluation-not-found': { status: 404, meaning: 'Evalueringen findes ikke eller er ikke synlig for kalderen' },
  'approval-not-found': { status: 404, meaning: 'Godkendelsen findes ikke eller er ikke synlig for kalderen' },
  'no-approval-in-force': { status: 404, meaning: 'Tilbuddet har ingen gældende godkendelse' },
  'decision-not-found': { status: 404, meaning: 'Godkendelsen har ikke en afgørelse med det nummer; decisionCount giver antallet' },
  'provider-not-found': { status: 404, meaning: 'Tilbuddet findes ikke i tilbudsregistret eller er ikke synligt for kalderen' },
  'recheck-run-not-found': { status: 404, meaning: 'Genvurderingskørslen findes ikke' },
  // 405, 406, 408: the method or the representation.
  'method-not-allowed': { status: 405, meaning: 'Stien findes, men ikke med denne metode; Allow angiver de mulige' },
  'not-acceptable': { status: 406, meaning: 'Ingen af de medietyper, Accept beder om, kan leveres' },
  'request-timeout': { status: 408, meaning: 'Forespørgslen blev ikke modtaget færdig i tide' },
  // 409: the request is fine, the state of the record is not.
  'approval-in-force': { status: 409, meaning: 'Tilbuddet har allerede en gældende godkendelse for speciale og niveau; tilbagekald eller forny den' },
  'approval-not-in-force': { status: 409, meaning: 'Godkendelsen er ikke gældende og genvurderes ikke' },
  'approval-changed': { status: 409, meaning: 'Godkendelsen er ændret siden expectedVersion; hent den igen' },
  'approval-expired': { status: 409, meaning: 'Godkendelsen er udløbet; søg på ny med en ny evaluering' },
  'approval-rejected': { status: 409, meaning: 'Et afslag kan hverken fornyes eller tilbagekaldes' },
  'approval-revoked': { status: 409, meaning: 'Godkendelsen er tilbagekaldt' },
  'renewal-window-closed': { status: 409, meaning: 'Fornyelsesvinduet er ikke åbnet endnu; renewalWindowOpensOn giver dagen' },
  'evidence-before-revocation': { status: 409, meaning: 'En ny godkendelse efter en tilbagekaldelse kræver dokumentation indberettet efter den' },
  'evidence-out-of-date': { status: 409, meaning: 'Dokumentationen er ikke længere aktuel i dag; indhent ny og evaluér igen' },
  'version-not-in-force': { status: 409, meaning: 'Evalueringen er lavet under en version af regelsættet, der ikke gælder i dag' },
  'version-not-published': { status: 409, meaning: 'Kun en udgivet version kan danne grundlag for en gemt evaluering (brug dryRun=true)' },
  'not-eligible': { status: 409, meaning: 'Evalueringen opfylder ikke de påkrævede krav; unmetRequirements lister dem' },
  'evaluation-mismatch': { status: 409, meaning: 'Evalueringen gælder ikke samme tilbud, speciale og niveau som godkendelsen' },
  'ruleset-not-loaded': { status: 409, meaning: 'Regelsættets version, evalueringen er lavet under, er ikke længere indlæst' },
  'specialfunktion-not-in-force': { status: 409, meaning: 'En rådgivningsfunktion kræver en gældende godkendelse som specialfunktion' },
  'provider-mismatch': { status: 409, meaning: 'Dokumentationen angiver et andet CVR-nummer eller en anden kommune end tilbudsregistret' },
  'provider-changed': { status: 409, meaning: 'Tilbuddet er ændret siden expectedVersion (eller under flytningen); hent det igen' },
  'recheck-run-in-progress': { status: 409, meaning: 'En genvurderingskørsel er allerede i gang; prøv igen efter Retry-After' },
  // 413, 415: the body as a whole.
  'body-too-large': { status: 413, meaning: 'Indholdet er større end 1 MiB' },
  'unsupported-media-type': { status: 415, meaning: 'Indholdet skal sendes som application/json' },
  'unsupported-charset': { status: 415, meaning: 'Et andet tegnsæt end UTF-8' },
  'unsupported-content-encoding': { status: 415, meaning: 'En Content-Encoding, tjenesten ikke kan pakke ud' },
  // 422: the request is readable, but a field is wrong; errors[] names each with pointer and code.
  'validation-failed': { status: 422, meaning: 'Forespørgslen følger ikke kontrakten, eller felterne har forskellige fejl; se errors' },
  'cpr-refused': { status: 422, meaning: 'Noget ligner et CPR-nummer; det nævnes kun ved sin pointer' },
  'nested-too-deep': { status: 422, meaning: 'Indholdet er indlejret dybere end 64 niveauer' },
  'repeated-query-parameter': { status: 422, meaning: 'En query-parameter er angivet mere end én gang' },
  'invalid-cursor': { status: 422, meaning: 'cursor er ikke nextCursor fra en tidligere side' },
  'invalid-tilbud-id': { status: 422, meaning: 'Et tilbuds-id skal være 1-10 cifre' },
  'invalid-decision-number': { status: 422, meaning: 'Afgørelsens nummer skal være et helt tal fra 1' },
  'to-before-from': { status: 422, meaning: 'Periodens slutdato ligger før dens startdato' },
  'evidence-from-the-future': { status: 422, meaning: 'Dokumentationens indberetningsdato ligger efter i dag' },
  'as-of-before-reporting-date': { status: 422, meaning: 'Vurderingsdatoen (asOf) ligger før dokumentationens indberetningsdato' },
  'dated-after-reporting-date': { status: 422, meaning: 'Noget, dokumentationen angiver som gjort, er dateret efter indberetningsdatoen' },
  'version-not-in-force-on-as-of': { status: 422, meaning: 'En gemt evaluerings version er ikke den, der gælder på vurderingsdatoen' },
  'invalid-cvr': { status: 422, meaning: 'CVR-nummerets kontrolciffer passer ikke (modulus 11)' },
  'unknown-kommunekode': { status: 422, meaning: 'Kommunekoden findes ikke' },
  'unknown-vocabulary-value': { status: 422, meaning: 'Værdien findes ikke i faktakatalogets ordliste' },
  'duplicate-staff-ref': { status: 422, meaning: 'En medarbejderreference er brugt mere end én gang' },
  'end-before-start': { status: 422, meaning: 'En slutdato ligger før sin startdato' },
  'malformed-text': { status: 422, meaning: 'Teksten har et ugyldigt tegn (en enlig UTF-16-surrogat)' },
  'evidence-of-other-provider': { status: 422, meaning: 'Den nye dokumentation gælder et andet tilbud end godkendelsen' },
  'invalid-draft': { status: 422, meaning: 'Udkastet er ikke et gyldigt regelsæt' },
  'draft-of-other-speciale': { status: 422, meaning: 'Udkastet gælder et andet speciale end stien' },
  'invalid-date': { status: 422, meaning: 'Datoen findes ikke i kalenderen' },
  'valid-from-before-rule-set': { status: 422, meaning: 'validFrom ligger før regelsættets version trådte i kraft' },
  'valid-from-before-evidence': { status: 422, meaning: 'validFrom ligger før dokumentationens indberetningsdato' },
  'valid-from-before-specialfunktion': { status: 422, meaning: 'validFrom ligger før godkendelsen som specialfunktion begyndte' },
  'valid-from-too-early': { status: 422, meaning: 'validFrom ligger mere end 3 måneder før afgørelsen' },
  'valid-from-too-late': { status: 422, meaning: 'validFrom ligger mere end 12 måneder ude i fremtiden' },
  'valid-from-after-evidence-current': { status: 422, meaning: 'validFrom ligger efter dokumentationens sidste aktuelle dag' },
  'valid-until-before-valid-from': { status: 422, meaning: 'validUntil ligger før gyldighedsperiodens start' },
  'validity-too-long': { status: 422, meaning: 'Perioden er længere, end regelsættet tillader' },
  'valid-until-in-past': { status: 422, meaning: 'En godkendelse skal gælde i dag eller senere' },
  'tender-only-for-advisory': { status: 422, meaning: 'tender angives kun ved fornyelse af en rådgivningsfunktion' },
  'advisory-assigned-after-tender': { status: 422, meaning: 'En rådgivningsfunktion tildeles med POST /v1/advisory-assignments, ikke POST /v1/approvals' },
  'evaluation-not-advisory-level': { status: 422, meaning: 'En rådgivningsfunktion tildeles på en evaluering på rådgivningsfunktionsniveau' },
  // 429, 431: too much.
  'rate-limited': { status: 429, meaning: 'For mange forespørgsler; prøv igen efter Retry-After' },
  'headers-too-large': { status: 431, meaning: 'Forespørgslens headers er for store' },
  // 500, 503: the service's side.
  'internal-error': { status: 500, meaning: 'Uventet fejl; den er logget med forespørgslens id' },
  'record-damaged': { status: 500, meaning: 'En gemt post er beskadiget og kan ikke læses; record nævner den' },
  'store-unavailable': { status: 503, meaning: 'Datalageret er midlertidigt utilgængeligt; prøv igen efter Retry-After' },
  'store-integrity': { status: 503, meaning: 'Registreringen kan ikke stoles på; en driftsansvarlig skal handle (ingen Retry-After)' },
  'no-rulesets-loaded': { status: 503, meaning: 'Ingen regelsæt er indlæst' },
  'identity-provider-unavailable': { status: 503, meaning: 'Identitetsudbyderens nøgler kan ikke hentes lige nu; prøv igen efter Retry-After' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The codes whose status is S, e.g. CodeWithStatus<409> for every conflict. */
export type CodeWithStatus<S extends number> = { [C in ProblemCode]: (typeof PROBLEM_CODES)[C]['status'] extends S ? C : never }[ProblemCode];

export const PROBLEM_TYPE_BASE = 'https://specialfunktion.dk/problems/';

export function problemType(code: ProblemCode): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

export function statusOf(code: ProblemCode): number {
  return PROBLEM_CODES[code].status;
}

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROBLEM_CODES, value);
}

/**
 * The code of a problem listing invalid parameters: the items' own code when they all share one of this
 * status (so a client reading only `type` learns the one thing wrong), otherwise `fallback`.
 */
export function codeOfItems<S extends number>(items: readonly { code: string }[], status: S, fallback: CodeWithStatus<S>): CodeWithStatus<S> {
  const codes = new Set(items.map((item) => item.code));
  if (codes.size !== 1) return fallback;
  const [only] = codes;
  return isProblemCode(only) && statusOf(only) === status ? (only as CodeWithStatus<S>) : fallback;
}
