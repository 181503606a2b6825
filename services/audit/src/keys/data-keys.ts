/**
 * Per-subject data keys: the only thing erasure has to destroy. Kept outside the events
 * (which are immutable and copied everywhere) so that destroying one small row makes every
 * copy of the subject's personal fields unreadable, in the store, in backups of it, and in
 * messages already published.
 */
import { AppError } from '@dreamcatcher/service-kit/errors';

/** Personal data of an erased subject cannot be written again: erasure is final for a subject id. */
export class SubjectErasedError extends AppError {
  constructor(readonly subjectId: string) {
    super(410, 'subject_erased', `The personal data of ${subjectId} was erased; no new personal data is stored for it`);
  }
}

export interface Erasure {
  subjectId: string;
  /** When the key was (first) destroyed, ISO 8601. */
  erasedAt: string;
  /** Whether a key existed before (false: the subject never stored personal data, or was erased already). */
  destroyedKey: boolean;
}

export interface DataKeys {
  /** The subject's key for encrypting, made on first use; throws SubjectErasedError after erasure. */
  keyForWriting(subjectId: string): Promise<Buffer>;
  /** Keys for decrypting; a subject whose key was erased (or never existed) maps to undefined. */
  keysForReading(subjectIds: Iterable<string>): Promise<Map<string, Buffer | undefined>>;
  /** Destroys the subject's key (idempotent) and records when. */
  erase(subjectId: string): Promise<Erasure>;
  /**
   * As `erase`, for a subject that has (or had) a key only; undefined, with nothing
   * recorded, for an id never seen, so that a mistyped id is not blocked for ever.
   */
  eraseIfKnown(subjectId: string): Promise<Erasure | undefined>;
}
