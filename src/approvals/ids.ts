import { createHash, randomUUID } from 'node:crypto';
import { containsCprLike } from '../privacy/cpr';

/**
 * Record ids. A UUID's hex can, rarely, contain ten decimal digits that form a valid date
 * (…-1610252110de), which the CPR guard would refuse wherever the id is sent back to the service;
 * so ids that look like a CPR number are never issued.
 */
export function newId(): string {
  for (;;) {
    const id = randomUUID();
    if (!containsCprLike(id)) return id;
  }
}

/** A stable UUID-shaped id for a seed (the same seed always gives the same id), never CPR-like. */
export function idFrom(seed: string): string {
  for (let attempt = 0; ; attempt++) {
    const hex = createHash('sha256').update(attempt === 0 ? seed : `${seed}#${attempt}`).digest('hex');
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    if (!containsCprLike(id)) return id;
  }
}
