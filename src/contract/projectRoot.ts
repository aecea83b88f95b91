import { existsSync } from 'node:fs';
import path from 'node:path';

/** The contract, at the project root. */
export const SPEC_FILE = 'openapi.yaml';

let root: string | undefined;

/** The project root: the nearest folder above this file holding package.json (works from src/ and dist/src/). */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, SPEC_FILE))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Fall back to the nearest package.json even without the spec, so the error below names the right place.
  dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
}
