import type { RegisterEntry } from './index';

/**
 * The register as CSV (RFC 4180: CRLF line ends, every field quoted, inner quotes doubled). The default
 * separates fields with a comma. Danish Excel reads a comma file as one column and, without a byte-order
 * mark, reads UTF-8 as Windows-1252 (æøå garbled), so `semicolon` separates with `;` and begins with a BOM.
 */

export const CSV_SEPARATORS = ['comma', 'semicolon'] as const;
export type CsvSeparator = (typeof CSV_SEPARATORS)[number];

const FORMATS: Record<CsvSeparator, { separator: string; start: string }> = {
  comma: { separator: ',', start: '' },
  semicolon: { separator: ';', start: '\uFEFF' },
};

const CSV_COLUMNS: (keyof RegisterEntry)[] = [
  'tilbudId', 'providerName', 'cvr', 'kommunekode', 'municipality', 'region', 'socialtilsyn', 'speciale', 'level', 'status', 'validFrom', 'validUntil',
];

function csvCell(value: string): string {
  // Quote always; double inner quotes; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function registerCsv(entries: RegisterEntry[], format: CsvSeparator = 'comma'): string {
  const { separator, start } = FORMATS[format];
  const lines = [CSV_COLUMNS.join(separator), ...entries.map((e) => CSV_COLUMNS.map((c) => csvCell(String(e[c]))).join(separator))];
  return `${start}${lines.join('\r\n')}\r\n`;
}
