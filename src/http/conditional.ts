import type { Request } from 'express';

function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

/**
 * Whether the request's If-None-Match names this ETag (weak comparison, RFC 9110 §13.1.2). Unlike
 * Express's `req.fresh` it ignores `Cache-Control: no-cache`, which fetch and browsers send with
 * If-None-Match when they revalidate: the 304 is the revalidation they ask for.
 */
export function notModified(req: Request, etag: string): boolean {
  const header = req.get('If-None-Match');
  if (!header) return false;
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
