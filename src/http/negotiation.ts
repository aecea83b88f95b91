import type { Request, Response } from 'express';
import { HttpProblem } from './problem';

/**
 * Answer `value` as JSON or, by Accept, as the HTML page `page` renders of it (the inspector's printable
 * view); anything else is 406 naming what can be had. `what` is the Danish name of the resource.
 */
export function sendJsonOrHtml<T>(req: Request, res: Response, value: T, page: (value: T) => string, what: string): void {
  res.setHeader('Vary', 'Accept');
  switch (req.accepts(['application/json', 'text/html'])) {
    case 'application/json':
      res.json(value);
      return;
    case 'text/html':
      res.type('text/html; charset=utf-8').send(page(value));
      return;
    default:
      throw new HttpProblem('not-acceptable', `${what} kan leveres som application/json eller text/html`);
  }
}
