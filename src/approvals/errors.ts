/** What can go wrong in a domain operation, independent of how it is reported (the HTTP layer maps kinds to statuses). */
export type DomainErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid';

/**
 * A stable, kebab-case name of what went wrong (e.g. `approval-in-force`): the problem `type` is
 * `https://specialfunktion.dk/problems/<code>`. Programs and tests go by the code; the message is for people.
 */
export type ProblemCode = string;

/** An invalid field of a request: where (JSON Pointer), what (Danish), and, for new refusals, a code. */
export interface InvalidParamError {
  pointer: string;
  message: string;
  code?: ProblemCode;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly code?: ProblemCode,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError('not-found', `${what} findes ikke`);
export const forbidden = (message: string, code?: ProblemCode) => new DomainError('forbidden', message, {}, code);
export const conflict = (message: string, details: Record<string, unknown> = {}, code?: ProblemCode) => new DomainError('conflict', message, details, code);
export const invalid = (message: string, errors: InvalidParamError[], code?: ProblemCode) => new DomainError('invalid', message, { errors }, code);
