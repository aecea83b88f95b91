/**
 * RFC 9457 problem details. Handlers throw an HttpProblem; the error middleware turns it into
 * `application/problem+json`. Nothing else reaches a client: unexpected errors become a plain 500.
 */

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
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail?: string,
    options: { type?: string; title?: string; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? TITLES[status] ?? 'Error');
    this.status = status;
    this.type = options.type ?? `https://specialfunktion.dk/problems/${status}`;
    this.title = options.title ?? TITLES[status] ?? 'Error';
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
      ...this.extensions,
    };
  }
}

/** An error item in a 422: where (JSON Pointer into the request body) and what. */
export interface InvalidParam {
  pointer: string;
  message: string;
}

export function validationProblem(detail: string, errors: InvalidParam[]): HttpProblem {
  return new HttpProblem(422, detail, { type: 'https://specialfunktion.dk/problems/validation', extensions: { errors } });
}
