import type { RequestHandler } from 'express';
import { containsCprLike, CPR_CODE, CPR_MESSAGE, findCprLikeValues } from '../privacy/cpr';
import { escapePointer } from '../schemas';
import { validateRequestBody } from './openapi';
import { HttpProblem, validationProblem } from './problem';

/**
 * A CPR-like value in the path or query is refused before any route (health and the contract
 * included) looks at the request: the answer names where, never what, and nothing is logged.
 */
export const refuseCprInPathAndQuery: RequestHandler = (req, _res, next) => {
  const queryPointers = findCprLikeValues({ ...(req.query as Record<string, unknown>) }).map((p) => `query:${p}`);
  // The parser may drop parts of the raw query (e.g. beyond its key limit); what it keeps is named precisely.
  if (queryPointers.length === 0 && containsCprLike(lenientlyDecoded(rawQuery(req.originalUrl)))) queryPointers.push('query');
  refuse(next, [...(pathLooksLikeCpr(pathOf(req.originalUrl)) ? ['path'] : []), ...queryPointers]);
};

/** A CPR-like value anywhere in the parsed JSON body is refused before a route stores or logs it. */
export const refuseCprInBody: RequestHandler = (req, _res, next) => {
  refuse(next, findCprLikeValues(req.body ?? null));
};

function refuse(next: Parameters<RequestHandler>[2], pointers: string[]): void {
  if (pointers.length > 0) {
    next(validationProblem('Forespørgslen indeholder noget, der ligner et CPR-nummer', pointers.map((pointer) => ({ pointer, code: CPR_CODE, message: CPR_MESSAGE }))));
    return;
  }
  next();
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

function rawQuery(url: string): string {
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start + 1);
}

/** Passes of %-decoding tried: enough for double and triple encoding, bounded so a long path stays cheap. */
const DECODE_PASSES = 4;

/**
 * Every valid %XX escape of an ASCII character and every run of escapes that is valid UTF-8 decoded,
 * invalid ones left as they are, repeated a few
 * times (so %2530 becomes 0 too). Unlike decodeURIComponent it never throws: one malformed escape
 * elsewhere in the path must not hide an encoded CPR number.
 */
export function lenientlyDecoded(text: string): string {
  let current = text;
  for (let pass = 0; pass < DECODE_PASSES && current.includes('%'); pass++) {
    const next = current
      .replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      // UTF-8 sequences too (full-width digits, zero-width characters): a run that is not valid UTF-8 stays as it is.
      .replace(/(?:%[89A-Fa-f][0-9A-Fa-f])+/g, (run) => {
        try {
          return decodeURIComponent(run);
        } catch {
          return run;
        }
      });
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Whether a request path (also once %-decoded) carries a CPR-like value: refused, never logged or echoed. */
export function pathLooksLikeCpr(path: string): boolean {
  return containsCprLike(path) || containsCprLike(lenientlyDecoded(path));
}

/** JSON bodies nested deeper than this are refused: no contract schema needs more, and validators recurse. */
export const MAX_JSON_DEPTH = 64;

const DEPTH_DETAIL = 'Forespørgslens indhold er indlejret for dybt';

/** The 422 for a body nested too deeply, naming where. */
export function tooDeepProblem(pointer: string): HttpProblem {
  return validationProblem(DEPTH_DETAIL, [{ pointer, code: 'nested-too-deep', message: `objekter og lister må højst være indlejret ${MAX_JSON_DEPTH} niveauer` }]);
}

interface DepthFrame {
  readonly node: unknown;
  readonly depth: number;
  readonly parent: DepthFrame | undefined;
  readonly token: string;
}

function pointerOfFrame(frame: DepthFrame): string {
  const tokens: string[] = [];
  for (let f: DepthFrame | undefined = frame; f?.parent !== undefined; f = f.parent) tokens.push(escapePointer(f.token));
  return tokens.reverse().map((t) => `/${t}`).join('');
}

/**
 * The JSON Pointer of the first object or array (in document order) nested deeper than `max`
 * levels (the body itself is level 1), or undefined. An explicit stack: any depth is safe to walk.
 * Every POST body goes through it, so nothing is built for a child that is not itself an object.
 */
export function tooDeepAt(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  const stack: DepthFrame[] = [{ node: value, depth: 1, parent: undefined, token: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as DepthFrame;
    const { node, depth } = frame;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return pointerOfFrame(frame);
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1, parent: frame, token: String(i) });
      }
    } else {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = (node as Record<string, unknown>)[keys[i]];
        if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1, parent: frame, token: keys[i] });
      }
    }
  }
  return undefined;
}

/** Refuse a parsed JSON body nested deeper than MAX_JSON_DEPTH, before any validator recurses into it. */
export const limitJsonDepth: RequestHandler = (req, _res, next) => {
  const pointer = req.body === undefined ? undefined : tooDeepAt(req.body);
  if (pointer !== undefined) {
    next(tooDeepProblem(pointer));
    return;
  }
  next();
};

/** Whether the error is V8's stack overflow (a body deep enough to exhaust a recursive validator). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /Maximum call stack size exceeded/.test(error.message);
}

/** Validate the JSON body against the operation's request schema in openapi.yaml: every error, with its pointer. */
export function bodyMatchesContract(method: string, routePath: string): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('application/json')) {
      next(new HttpProblem('unsupported-media-type', 'Indholdet skal sendes som application/json'));
      return;
    }
    const errors = validateRequestBody(method, routePath, req.body);
    if (errors.length > 0) {
      next(validationProblem('Forespørgslens indhold følger ikke kontrakten (openapi.yaml)', errors));
      return;
    }
    next();
  };
}

/**
 * Like bodyMatchesContract, for an operation whose body is optional: a request without a body (no
 * Content-Type needed) passes; one with a body must be JSON matching the contract.
 */
export function optionalBodyMatchesContract(method: string, routePath: string): RequestHandler {
  const validate = bodyMatchesContract(method, routePath);
  return (req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const carriesBytes = req.headers['transfer-encoding'] !== undefined || !(length === 0 || Number.isNaN(length));
    if (req.body === undefined && !carriesBytes) {
      next();
      return;
    }
    validate(req, res, next);
  };
}
