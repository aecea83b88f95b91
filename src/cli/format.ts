import path from 'node:path';
import type { FileProblem } from '../rules/load';

/** A problem as one line, `file:/json/pointer: message` with the file relative to `cwd` (`file: message` for the whole file). */
export function problemLine(problem: Pick<FileProblem, 'file' | 'pointer' | 'message'>, cwd: string): string {
  const file = displayPath(problem.file, cwd);
  return problem.pointer === '' ? `${file}: ${problem.message}` : `${file}:${problem.pointer}: ${problem.message}`;
}

/** A path relative to cwd when it lies below it, else as given. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(cwd, file) : relative;
}

/** A plain-text table: columns padded to their widest cell, a rule under the header. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - width(c))))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function width(text: string): number {
  return [...text].length;
}

/** Danish count with singular/plural noun: 1 regelsæt, 2 specialer. */
export function count(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
