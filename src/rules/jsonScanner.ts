import { escapePointer } from '../schemas';
import type { DuplicateKey, JsonSyntaxError, NumberOutOfRange } from './json';

/**
 * The scanner behind parseJsonText: it walks the same grammar as JSON.parse to say where a malformed file
 * goes wrong (with a Danish hint about the likely fix) and to collect duplicate keys with their pointers.
 */

class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Open {
  kind: 'objekt' | 'liste';
  offset: number;
}

export class Scanner {
  private pos = 0;
  private readonly duplicates: DuplicateKey[] = [];
  private readonly outOfRange: NumberOutOfRange[] = [];
  private readonly open: Open[] = [];

  constructor(private readonly text: string) {}

  run(): { error?: JsonSyntaxError; duplicates: DuplicateKey[]; outOfRange: NumberOutOfRange[] } {
    try {
      this.ws();
      if (this.pos >= this.text.length) throw new SyntaxProblem('filen er tom; en regelfil skal indeholde ét JSON-objekt', 0);
      this.value('');
      this.ws();
      if (this.pos < this.text.length) {
        throw new SyntaxProblem('uventet indhold efter JSON-værdiens slutning; fjern det, eller kontrollér, at der ikke er en } eller ] for meget', this.pos);
      }
      return { duplicates: this.duplicates, outOfRange: this.outOfRange };
    } catch (error) {
      if (!(error instanceof SyntaxProblem)) throw error;
      const { line, column } = this.location(error.offset);
      return { error: { message: error.message, line, column }, duplicates: this.duplicates, outOfRange: this.outOfRange };
    }
  }

  private location(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text[i] === '\n') {
        line += 1;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  }

  private ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos += 1;
      else if (c === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
        throw new SyntaxProblem('JSON tillader ikke kommentarer; fjern kommentaren (brug evt. feltet "description" eller "rationale")', this.pos);
      } else return;
    }
  }

  private eof(): never {
    const open = this.open[this.open.length - 1];
    if (open) {
      const { line } = this.location(open.offset);
      const closer = open.kind === 'objekt' ? '}' : ']';
      throw new SyntaxProblem(`filen slutter, før ${open.kind === 'objekt' ? 'objektet' : 'listen'} fra linje ${line} er lukket; mangler der en '${closer}'?`, this.text.length);
    }
    throw new SyntaxProblem('filen slutter midt i en værdi', this.text.length);
  }

  private value(pointer: string): void {
    this.ws();
    if (this.pos >= this.text.length) this.eof();
    const c = this.text[this.pos];
    if (c === '{') return this.object(pointer);
    if (c === '[') return this.array(pointer);
    if (c === '"') {
      this.string();
      return;
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number(pointer);
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    if (c === "'") throw new SyntaxProblem('tekst skal stå i dobbelte anførselstegn ("…"), ikke enkelte', this.pos);
    if (c === '}' || c === ']') throw new SyntaxProblem(`uventet '${c}'; her mangler en værdi (står der et komma for meget før?)`, this.pos);
    const word = /^[A-Za-z_]+/.exec(this.text.slice(this.pos))?.[0];
    if (word) {
      const hint = /^(True|TRUE|False|FALSE|Null|NULL|None)$/.test(word) ? `; skriv ${word.toLowerCase() === 'none' ? 'null' : word.toLowerCase()} med små bogstaver` : '; tekst skal stå i dobbelte anførselstegn ("…")';
      throw new SyntaxProblem(`uventet '${word}'${hint}`, this.pos);
    }
    throw new SyntaxProblem(`uventet tegn '${c}'; her forventes en værdi (tal, tekst i "…", true, false, null, objekt eller liste)`, this.pos);
  }

  private object(pointer: string): void {
    this.open.push({ kind: 'objekt', offset: this.pos });
    this.pos += 1;
    const keys = new Set<string>();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      this.open.pop();
      return;
    }
    for (;;) {
      this.ws();
      if (this.pos >= this.text.length) this.eof();
      const c = this.text[this.pos];
      if (c !== '"') {
        if (c === "'") throw new SyntaxProblem('egenskabsnavne skal stå i dobbelte anførselstegn ("…"), ikke enkelte', this.pos);
        if (c === '}') throw new SyntaxProblem("overflødigt komma før '}'; JSON tillader ikke komma efter sidste egenskab – fjern kommaet", this.lastComma());
        if (c >= '0' && c <= '9') throw new SyntaxProblem('forventede et egenskabsnavn i "…"; brug punktum som decimaltegn i tal (4.5, ikke 4,5)', this.pos);
        throw new SyntaxProblem(`forventede et egenskabsnavn i dobbelte anførselstegn, fx "fact", men fandt '${c}'`, this.pos);
      }
      const keyStart = this.pos;
      const key = this.string();
      if (keys.has(key)) {
        const { line, column } = this.location(keyStart);
        this.duplicates.push({ pointer: `${pointer}/${escapePointer(key)}`, key, line, column });
      }
      keys.add(key);
      this.ws();
      if (this.pos >= this.text.length) this.eof();
      if (this.text[this.pos] !== ':') throw new SyntaxProblem(`forventede ':' efter egenskabsnavnet "${key}"`, this.pos);
      this.pos += 1;
      this.value(`${pointer}/${escapePointer(key)}`);
      const next = this.separator('}');
      if (next === 'more') continue;
      if (next === 'closed') return;
      if (next === '"') throw new SyntaxProblem(`forventede ',' eller '}' efter værdien af "${key}"; mangler der et komma?`, this.pos);
      throw new SyntaxProblem(`forventede ',' eller '}' efter værdien af "${key}", men fandt '${next}'`, this.pos);
    }
  }

  /**
   * After a member or an element: 'more' past a comma, 'closed' past `close` (the object or list is done),
   * otherwise the character found there, for the caller's message.
   */
  private separator(close: '}' | ']'): 'more' | 'closed' | string {
    this.ws();
    if (this.pos >= this.text.length) this.eof();
    const next = this.text[this.pos];
    if (next !== ',' && next !== close) return next;
    this.pos += 1;
    if (next === ',') return 'more';
    this.open.pop();
    return 'closed';
  }

  private array(pointer: string): void {
    this.open.push({ kind: 'liste', offset: this.pos });
    this.pos += 1;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      this.open.pop();
      return;
    }
    for (let index = 0; ; index++) {
      this.ws();
      if (this.text[this.pos] === ']') throw new SyntaxProblem("overflødigt komma før ']'; JSON tillader ikke komma efter sidste element – fjern kommaet", this.lastComma());
      this.value(`${pointer}/${index}`);
      const next = this.separator(']');
      if (next === 'more') continue;
      if (next === 'closed') return;
      if (next === '{' || next === '[' || next === '"') throw new SyntaxProblem("forventede ',' eller ']' efter elementet; mangler der et komma?", this.pos);
      throw new SyntaxProblem(`forventede ',' eller ']' efter elementet, men fandt '${next}'`, this.pos);
    }
  }

  private lastComma(): number {
    const i = this.text.lastIndexOf(',', this.pos);
    return i >= 0 ? i : this.pos;
  }

  /** Reads a string starting at the opening quote and returns its value. */
  private string(): string {
    const start = this.pos;
    this.pos += 1;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos += 1;
        return out;
      }
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.pos += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        throw new SyntaxProblem(`ugyldig escape-sekvens '\\${e ?? ''}' i tekst; skriv en backslash som \\\\`, this.pos);
      }
      if (c.charCodeAt(0) < 0x20) {
        throw new SyntaxProblem(
          c === '\n' || c === '\r' ? 'teksten er ikke afsluttet med " på samme linje; mangler der et afsluttende anførselstegn (et linjeskift i tekst skrives \\n)?' : 'tabulator og andre kontroltegn i tekst skal skrives som escape-sekvens, fx \\t',
          this.pos,
        );
      }
      out += c;
      this.pos += 1;
    }
    const { line } = this.location(start);
    throw new SyntaxProblem(`teksten fra linje ${line} er ikke afsluttet med "`, this.text.length);
  }

  private number(pointer: string): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!match) throw new SyntaxProblem('ugyldigt tal; skriv fx 4, 4.5 eller -1', this.pos);
    const after = this.text[this.pos + match[0].length];
    if (after !== undefined && /[0-9.eE]/.test(after)) {
      throw new SyntaxProblem('ugyldigt tal; tal må ikke have foranstillede nuller, og decimaltegnet er punktum (4.5)', this.pos);
    }
    // Valid JSON, but JSON.parse reads it as Infinity: a threshold nobody meant.
    if (!Number.isFinite(Number(match[0]))) this.outOfRange.push({ pointer, literal: match[0], ...this.location(this.pos) });
    this.pos += match[0].length;
  }
}
