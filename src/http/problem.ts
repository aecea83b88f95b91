/**
 * RFC 9457 problem details. Handlers throw an HttpProblem; the error middleware turns it into
 * `application/problem+json`. Nothing else reaches a client: unexpected errors become a plain 500.
 * Every problem has a code (src/problems/codes.ts): its `type` and its status follow from it.
 */
import { codeOfItems, problemType, statusOf, type ProblemCode } from '../problems/codes';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The fixed title of a status (the HTTP status text). */
export function titleOf(status: number): string {
  return TITLES[status] ?? 'Error';
}

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    detail?: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    const status = statusOf(code);
    super(detail ?? titleOf(status));
    this.status = status;
    this.type = problemType(code);
    this.title = titleOf(status);
    this.detail = detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  body(instance?: string): ProblemBody {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(instance !== undefined ? { instance } : {}),
      ...boundedLists(this.extensions),
    };
  }
}

/** A problem lists at most this many items (errors, unmet requirements, …), so no error answer grows with the request. */
export const MAX_PROBLEM_ITEMS = 100;

/**
 * Every list in a problem cut to its first MAX_PROBLEM_ITEMS; `errors` always comes with `errorCount`, the
 * number found, and any other list that was cut with `<name>Count`.
 */
function boundedLists(extensions: Record<string, unknown>): Record<string, unknown> {
  const bounded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(extensions)) {
    if (!Array.isArray(value)) {
      bounded[name] = value;
      continue;
    }
    bounded[name] = value.length > MAX_PROBLEM_ITEMS ? value.slice(0, MAX_PROBLEM_ITEMS) : value;
    // A count the thrower gave (it may have cut the list itself) is kept.
    const count = name === 'errors' ? 'errorCount' : `${name}Count`;
    if (extensions[count] !== undefined) continue;
    if (name === 'errors' || value.length > MAX_PROBLEM_ITEMS) bounded[count] = value.length;
  }
  return bounded;
}

/**
 * An error item in a 400 or 422: where (JSON Pointer into the request body, or `query:<name>`, `path:<name>`),
 * what (Danish), and a code: a problem code (src/problems/codes.ts) for a domain rule, a schema keyword's code
 * for the contract's checks.
 */
export interface InvalidParam {
  pointer: string;
  message: string;
  code: string;
}

/** 422 listing invalid parameters: typed by their shared code, or `validation-failed` when they differ. */
export function validationProblem(detail: string, errors: InvalidParam[]): HttpProblem {
  return new HttpProblem(codeOfItems(errors, 422, 'validation-failed'), detail, { extensions: { errors } });
}
