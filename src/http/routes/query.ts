import { isIsoDate } from '../../time/dates';
import { validationProblem } from '../problem';

/** Query parameters are strings; each reader checks one and throws a 422 that names it. */

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw validationProblem(`Parameteren ${name} må kun angives én gang`, [{ pointer: `query:${name}`, message: 'må kun angives én gang' }]);
  return value;
}

export function stringQuery(value: unknown, name: string, pattern?: RegExp): string | undefined {
  const v = single(value, name);
  if (v !== undefined && pattern && !pattern.test(v)) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, message: `skal matche ${pattern.source}` }]);
  }
  return v;
}

export function enumQuery<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  const v = single(value, name);
  if (v !== undefined && !allowed.includes(v as T)) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, message: `skal være en af: ${allowed.join(', ')}` }]);
  }
  return v as T | undefined;
}

export function dateQuery(value: unknown, name: string): string | undefined {
  const v = single(value, name);
  if (v !== undefined && !isIsoDate(v)) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, message: 'skal være en dato (ÅÅÅÅ-MM-DD)' }]);
  }
  return v;
}

export function intQuery(value: unknown, name: string, min: number, max: number): number | undefined {
  const v = single(value, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, message: `skal være et helt tal fra ${min} til ${max}` }]);
  }
  return Number(v);
}

export function booleanQuery(value: unknown, name: string): boolean | undefined {
  const v = single(value, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, message: 'skal være true eller false' }]);
  }
  return v === 'true';
}
