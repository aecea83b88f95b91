import { closeSync, fstatSync, openSync, readSync, statSync, writeSync, type Stats } from 'node:fs';
import { StoreUnavailableError } from './errors';

/** Where one appended line lives in the file, in bytes (without its newline). */
export interface Slot {
  offset: number;
  length: number;
}

/**
 * A file of lines that only grows, written and read through one open descriptor.
 *
 * Calls are synchronous on purpose: a write of a few kilobytes into the page cache takes microseconds,
 * far less than a round trip through libuv's thread pool (an asynchronous append is an open, a write
 * and a close, each on the pool), and it keeps each append a single step that nothing can interleave.
 * The embedded store is a single-instance store on a local disk; a slow disk would stall the process.
 *
 * Durability: once `append` returns, the bytes are in the kernel and survive kill -9 (not fsync'ed:
 * an OS crash or power loss can lose the last writes). A crash in the middle of a write leaves at most a
 * torn last line, which nothing refers to because callers record a slot only after `append` returned.
 *
 * If the file at the path is no longer the one the descriptor writes to (moved, deleted, replaced), or
 * has been made read-only, the append is refused rather than acknowledged into a file nobody will read
 * or against its owner's wish; the next call reopens.
 */
export class AppendOnlyFile {
  private fd: number | null = null;
  private openFileId = '';
  private closed = false;
  /** The file's length: the offset of the next append (this process is the only writer). */
  private size = 0;

  constructor(
    readonly filename: string,
    private readonly fileMode: number,
  ) {}

  /** Opens the file, creating it if needed. */
  open(): void {
    this.closed = false;
    this.ensureOpen();
  }

  /** After a failure the descriptor is released; the next operation opens the file again. */
  private ensureOpen(): void {
    if (this.closed) throw new StoreUnavailableError('The store is closed');
    if (this.fd !== null) return;
    let fd: number;
    try {
      fd = openSync(this.filename, 'a+', this.fileMode);
    } catch (error) {
      throw unavailable(`Cannot open ${this.filename}`, error);
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new Error('not a regular file');
      this.size = stat.size;
      this.openFileId = `${stat.dev}:${stat.ino}`;
      this.fd = fd;
    } catch (error) {
      closeSync(fd);
      throw unavailable(`Cannot open ${this.filename}`, error);
    }
  }

  /** Which file the slots of this process refer to (device and inode), opening it if need be. */
  fileId(): string {
    this.ensureOpen();
    return this.openFileId;
  }

  /** Appends each text as one line, in one write; returns where each one went. */
  append(texts: readonly string[]): Slot[] {
    this.ensureOpen();
    const fd = this.fd as number;
    const parts = texts.map((text) => Buffer.from(`${text}\n`, 'utf8'));
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    try {
      // Checked before writing, so a refused append leaves nothing behind.
      const own = fstatSync(fd);
      if (own.nlink === 0 || !sameFile(own, statSync(this.filename))) throw new Error('the file was moved or replaced while open');
      // The descriptor would go on writing; an owner who made the file read-only meant writes to stop.
      if ((own.mode & 0o200) === 0) throw new Error('the file has been made read-only');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    } catch (error) {
      // Whatever part was written is referenced by nothing; reopening learns the file's real length.
      this.release();
      throw unavailable(`Cannot write ${this.filename}`, error);
    }
    const slots: Slot[] = [];
    let offset = this.size;
    for (const part of parts) {
      slots.push({ offset, length: part.length - 1 });
      offset += part.length;
    }
    this.size = offset;
    return slots;
  }

  read(slot: Slot): string {
    this.ensureOpen();
    const buffer = Buffer.allocUnsafe(slot.length);
    let bytesRead: number;
    try {
      bytesRead = readSync(this.fd as number, buffer, 0, slot.length, slot.offset);
    } catch (error) {
      this.release();
      throw unavailable(`Cannot read ${this.filename}`, error);
    }
    if (bytesRead !== slot.length) {
      // Perhaps the file was replaced: look again at the path next time.
      this.release();
      throw new StoreUnavailableError(`${this.filename} ends before the ${slot.length} bytes at offset ${slot.offset} that are recorded there`);
    }
    return buffer.toString('utf8');
  }

  close(): void {
    this.closed = true;
    this.release();
  }

  private release(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // Already unusable; nothing is lost, since every append was complete when it returned.
      }
    }
  }

  /** The descriptor can outlive a permission change: check that the file can still be opened for appending. */
  assertWritable(): void {
    try {
      closeSync(openSync(this.filename, 'a'));
    } catch (error) {
      throw unavailable(`${this.filename} is not writable`, error);
    }
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

function unavailable(message: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`${message}: ${(cause as Error).message}`, { cause });
}
