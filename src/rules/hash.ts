import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal content always gives equal bytes.
 *
 * Defined as `JSON.stringify(sortKeys(value))`, where sortKeys copies every object with its keys
 * inserted in `Array.prototype.sort` order and its undefined properties left out. The lock file and
 * every stored decision hold hashes of this text, so it must never change; test/rules/hash.test.ts
 * keeps that definition and checks this one against it.
 */
export function canonicalJson(value: unknown): string {
  const utf8 = canonicalUtf8(value);
  // Where there is no JSON at all (undefined, a function), JSON.stringify's own answer: undefined.
  return utf8 === undefined ? JSON.stringify(value) : utf8.toString('utf8');
}

/** `sha256:` and the hex SHA-256 of the UTF-8 of canonicalJson(value). */
export function contentHash(value: unknown): string {
  const utf8 = canonicalUtf8(value);
  if (utf8 === undefined) throw new TypeError('contentHash: the value has no JSON form');
  return `sha256:${createHash('sha256').update(utf8).digest('hex')}`;
}

/**
 * The UTF-8 of canonicalJson(value), written in one pass straight into a buffer: evidence is hashed on
 * every evaluation, and building the sorted copy, then the text, then its UTF-8, as the definition
 * reads, took a third of an evaluation.
 */
function canonicalUtf8(value: unknown): Buffer | undefined {
  const writer = new CanonicalWriter();
  return writer.write(value) ? writer.written() : undefined;
}

const QUOTE = 0x22;

class CanonicalWriter {
  // Room for typical evidence; larger values grow it. Only the bytes written are ever read.
  private bytes = Buffer.allocUnsafe(16 * 1024);
  private length = 0;

  written(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** Appends the value's JSON; false (nothing appended) where JSON.stringify leaves a value out. */
  write(value: unknown): boolean {
    switch (typeof value) {
      case 'string':
        this.writeString(value);
        return true;
      case 'number':
        this.writeAscii(Number.isFinite(value) ? String(value) : 'null');
        return true;
      case 'boolean':
        this.writeAscii(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) this.writeAscii('null');
        else if (Array.isArray(value)) this.writeArray(value);
        else this.writeObject(value as Record<string, unknown>);
        return true;
      default: {
        // undefined, functions and symbols are left out; a bigint throws, as in JSON.stringify.
        const text = JSON.stringify(value);
        if (text === undefined) return false;
        this.writeUtf8(text);
        return true;
      }
    }
  }

  private writeArray(items: readonly unknown[]): void {
    this.writeAscii('[');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.writeAscii(',');
      if (!this.write(items[i])) this.writeAscii('null');
    }
    this.writeAscii(']');
  }

  private writeObject(record: Record<string, unknown>): void {
    this.writeAscii('{');
    let first = true;
    for (const key of keyOrder(record)) {
      const v = record[key];
      // The copy's `sorted['__proto__'] = …` sets its prototype instead of adding a key: never listed.
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || key === '__proto__') continue;
      if (!first) this.writeAscii(',');
      this.writeString(key);
      this.writeAscii(':');
      this.write(v);
      first = false;
    }
    this.writeAscii('}');
  }

  /** A JSON string literal, byte for byte as JSON.stringify(text) encoded in UTF-8. */
  private writeString(text: string): void {
    this.reserve(3 * text.length + 2);
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        // A quote, backslash or control character is escaped: leave the whole text to JSON.stringify.
        if (c < 0x20 || c === QUOTE || c === 0x5c) return this.writeUtf8(JSON.stringify(text));
        bytes[at++] = c;
      } else if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6);
        bytes[at++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        // Surrogates: JSON.stringify escapes unpaired ones, and Buffer encodes pairs as 4 bytes.
        return this.writeUtf8(JSON.stringify(text));
      } else {
        bytes[at++] = 0xe0 | (c >> 12);
        bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
        bytes[at++] = 0x80 | (c & 0x3f);
      }
    }
    bytes[at++] = QUOTE;
    this.length = at;
  }

  /** Text known to be ASCII: punctuation, literals, numbers. */
  private writeAscii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  private writeUtf8(text: string): void {
    this.reserve(3 * text.length);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + more));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}

/** The order in which JSON.stringify lists the keys of the definition's sorted copy of `record`. */
function keyOrder(record: Record<string, unknown>): string[] {
  const keys = sortedKeys(record);
  if (!keys.some(startsWithDigit)) return keys;
  // Any object lists array-index keys ("0", "42") first, in numeric order; inserting the sorted keys
  // into a scratch object, as the definition's copy does, yields exactly the copy's order.
  const copy: Record<string, true> = {};
  for (const key of keys) copy[key] = true;
  return Object.keys(copy);
}

/**
 * Object.keys in `Array.prototype.sort` order (`<` on strings compares the same UTF-16 code units).
 * Objects mostly have a handful of keys, which an insertion sort orders in half the built-in's time.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

function startsWithDigit(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

/**
 * The content hash of a rule set version. `status` and `$schema` are left out: moving a published
 * version to retired is a lifecycle step, not a change of criteria, and must not break the lock.
 */
export function rulesetHash(ruleset: object): string {
  const { status: _status, $schema: _schema, ...content } = ruleset as Record<string, unknown>;
  return contentHash(content);
}
