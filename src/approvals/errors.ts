/** What can go wrong in a domain operation, independent of how it is reported (the HTTP layer maps kinds to statuses). */
export type DomainErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError('not-found', `${what} findes ikke`);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const conflict = (message: string, details: Record<string, unknown> = {}) => new DomainError('conflict', message, details);
export const invalid = (message: string, errors: { pointer: string; message: string }[]) => new DomainError('invalid', message, { errors });
