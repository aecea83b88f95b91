import { codeOfItems, statusOf, type CodeWithStatus } from '../problems/codes';

export type { ProblemCode } from '../problems/codes';

/**
 * What can go wrong in a domain operation, independent of how it is reported. The code (src/problems/codes.ts)
 * says which problem it is, and with it the status the HTTP layer answers; the message is for people.
 */
export type DomainErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid';

const KIND_OF_STATUS: Record<number, DomainErrorKind> = { 403: 'forbidden', 404: 'not-found', 409: 'conflict', 422: 'invalid' };

/** The codes a domain error may carry: those of the four kinds above. */
export type DomainCode = CodeWithStatus<403 | 404 | 409 | 422>;

/**
 * An invalid field of a request: where (JSON Pointer), what (Danish) and a code: a problem code for a domain
 * rule (e.g. `valid-from-too-early`), or a schema check's code where evidence is validated against its schema.
 */
export interface InvalidParamError {
  pointer: string;
  message: string;
  code: string;
}

export class DomainError extends Error {
  readonly kind: DomainErrorKind;

  constructor(
    readonly code: DomainCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.kind = KIND_OF_STATUS[statusOf(code)];
  }
}

export const notFound = (what: string, code: CodeWithStatus<404>) => new DomainError(code, `${what} findes ikke`);
export const forbidden = (message: string, code: CodeWithStatus<403>) => new DomainError(code, message);
export const conflict = (message: string, details: Record<string, unknown>, code: CodeWithStatus<409>) => new DomainError(code, message, details);
/** 422 naming each invalid field; typed by the fields' shared code, or `validation-failed` when they differ. */
export const invalid = (message: string, errors: InvalidParamError[]) => new DomainError(codeOfItems(errors, 422, 'validation-failed'), message, { errors });
