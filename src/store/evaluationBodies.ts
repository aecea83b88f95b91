import { AppendOnlyFile, type Slot } from './appendOnlyFile';
import { deepFreeze } from './common';
import { StoreUnavailableError } from './errors';
import type { EvaluationRecord } from './types';

/** Where an evaluation record is in the bodies file: the record without its evidence, and the evidence. */
export interface BodySlots {
  body: Slot;
  evidence?: Slot;
}

/**
 * The embedded store's evaluation records, in an append-only file (see AppendOnlyFile), with each
 * record's evidence on a line of its own.
 *
 * A re-check evaluates the evidence of the approval's latest evaluation again and stores it with the
 * new record. Evidence read from here is handed out frozen, so it cannot have changed when it comes
 * back in a new record: that record then points at the line already written instead of writing the
 * same tens of kilobytes again (a batch of re-checks would otherwise write the whole store's evidence
 * once more every run).
 */
export class EvaluationBodies {
  private readonly file: AppendOnlyFile;
  /** Evidence objects handed out, by identity, with the line they were read from (in which file). */
  private readonly writtenAt = new WeakMap<object, { fileId: string; slot: Slot }>();

  constructor(filename: string, fileMode: number) {
    this.file = new AppendOnlyFile(filename, fileMode);
  }

  get filename(): string {
    return this.file.filename;
  }

  open(): void {
    this.file.open();
  }

  close(): void {
    this.file.close();
  }

  assertWritable(): void {
    this.file.assertWritable();
  }

  write(record: EvaluationRecord): BodySlots {
    const { evidence, ...rest } = record;
    if (evidence === undefined) return { body: this.file.append([JSON.stringify(rest)])[0] };
    const known = typeof evidence === 'object' && evidence !== null ? this.writtenAt.get(evidence) : undefined;
    // A slot in a file that has since been replaced would point into other content.
    if (known && known.fileId === this.file.fileId()) return { body: this.file.append([JSON.stringify(rest)])[0], evidence: known.slot };
    const [evidenceSlot, body] = this.file.append([JSON.stringify(evidence), JSON.stringify(rest)]);
    return { body, evidence: evidenceSlot };
  }

  read(id: string, slots: BodySlots): EvaluationRecord {
    const record = JSON.parse(this.file.read(slots.body)) as EvaluationRecord;
    if (record.id !== id) throw new StoreUnavailableError(`${this.file.filename} does not hold evaluation ${id} where its index points`);
    if (slots.evidence) record.evidence = this.evidenceAt(slots.evidence);
    return record;
  }

  /** The record's evidence alone (undefined for a record stored without any). */
  readEvidence(slots: BodySlots): unknown {
    return slots.evidence ? this.evidenceAt(slots.evidence) : undefined;
  }

  private evidenceAt(slot: Slot): unknown {
    const fileId = this.file.fileId();
    const evidence = deepFreeze(JSON.parse(this.file.read(slot)));
    if (typeof evidence === 'object' && evidence !== null) this.writtenAt.set(evidence, { fileId, slot });
    return evidence;
  }
}
