/**
 * The contract, openapi.yaml, as the running service uses it: loaded once (document.ts), routes
 * matched against it (routes.ts), request bodies validated against it (requests.ts). Response checks live with the tests (test/support/contractResponses.ts).
 */
export { openapiDocument, openapiYaml, projectRoot, resolvePointer, SPEC_FILE, type JsonObject } from './document';
export { listOperations, matchPath, matchRoute, queryContract, type OperationRef, type PathMatch, type QueryContract, type QueryParameter, type RouteMatch } from './routes';
export { toInvalidParams, validateQuery, validateRequestBody, type InvalidParam } from './requests';
