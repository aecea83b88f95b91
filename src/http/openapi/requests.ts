/**
 * Request validation against the contract: a JSON body against its operation's request schema,
 * each error with pointer, code and Danish message from the one table (src/schemas/messages.ts).
 */
import type { ErrorObject } from 'ajv';
import { schemaProblems, type SchemaProblem } from '../../schemas';
import { child, deref, isObject, SPEC_FILE, validatorFor, type JsonObject } from './document';
import { findOperation, type QueryContract } from './routes';

/** One schema error in a request: pointer, code (from the one message table) and Danish message. */
export type InvalidParam = Omit<SchemaProblem, 'code'> & { code: SchemaProblem['code'] | 'repeated-query-parameter' };

/** Ajv's errors as invalid params: pointer, code and Danish message (the one table in src/schemas/messages.ts). */
export function toInvalidParams(errors: readonly ErrorObject[] | null | undefined): InvalidParam[] {
  return schemaProblems(errors);
}

function requestSchemaPointer(method: string, routePath: string): string | undefined {
  const op = findOperation(method, routePath);
  if (!op) return undefined;
  const { node: body, pointer } = deref(op.operation.requestBody, child(op.pointer, 'requestBody'));
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const media = (body.content as JsonObject)['application/json'];
  if (!isObject(media) || media.schema === undefined) return undefined;
  return child(pointer, 'content', 'application/json', 'schema');
}

/**
 * Validate a JSON request body against the operation's request schema: every error, each with a
 * JSON Pointer into the body and a Danish message. [] when the body is valid.
 * Throws (a programming error) if the contract documents no JSON body for the operation.
 */
export function validateRequestBody(method: string, routePath: string, body: unknown): InvalidParam[] {
  const pointer = requestSchemaPointer(method, routePath);
  if (!pointer) throw new Error(`${SPEC_FILE} documents no application/json request body for ${method.toUpperCase()} ${routePath}`);
  if (body === undefined) return [{ pointer: '', code: 'required-property-missing', message: 'forespørgslen skal have et indhold (application/json)' }];
  const validate = validatorFor(pointer);
  if (validate(body)) return [];
  return toInvalidParams(validate.errors);
}


/** A query value read as the type its schema gives (a number, true/false); anything else stays text for the schema to refuse. */
function readQueryValue(raw: string, type: unknown): unknown {
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && /^-?[0-9]+(\.[0-9]+)?$/.test(raw)) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/**
 * Check the known query parameters against their schemas in the contract: every error with the
 * pointer `query:<name>`, a code and a Danish message; the values read as their types, with the
 * documented defaults for absent ones. (Unknown parameters are refused before this.)
 */
export function validateQuery(contract: QueryContract, query: Record<string, unknown>): { values: Record<string, unknown>; errors: InvalidParam[] } {
  const values: Record<string, unknown> = {};
  const errors: InvalidParam[] = [];
  for (const parameter of contract.parameters) {
    const raw = query[parameter.name];
    const at = `query:${parameter.name}`;
    if (raw === undefined) {
      if (parameter.required) errors.push({ pointer: at, code: 'required-property-missing', message: 'påkrævet parameter mangler' });
      else if (parameter.default !== undefined) values[parameter.name] = parameter.default;
      continue;
    }
    if (typeof raw !== 'string') {
      errors.push({ pointer: at, code: 'repeated-query-parameter', message: 'må kun angives én gang' });
      continue;
    }
    const value = readQueryValue(raw, parameter.type);
    const validate = validatorFor(parameter.schemaPointer);
    if (validate(value)) values[parameter.name] = value;
    else errors.push(...schemaProblems(validate.errors).map((e) => ({ ...e, pointer: `${at}${e.pointer}` })));
  }
  return { values, errors };
}
