import { AppError, ConflictError } from '@dreamcatcher/service-kit/errors';
import type { ExpectedRevision } from './event-store.js';

/** The stream was not at the revision the writer expected. */
export class WrongExpectedRevisionError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, -1n when it does not exist. */
    readonly actual: bigint,
  ) {
    super(
      `Stream ${streamId} is at revision ${actual}, expected ${String(expected)}`,
      'wrong_expected_revision',
      { streamId, expected: String(expected), actual: actual.toString() },
    );
  }
}

/** The stream was deleted (tombstoned): it cannot be written again. */
export class StreamDeletedError extends AppError {
  constructor(readonly streamId: string) {
    super(410, 'stream_deleted', `Stream ${streamId} was deleted`);
  }
}

/**
 * The stream id differs only by case from a stream that already exists (see
 * `caseInsensitiveKey`): refused, so one id cannot name two streams.
 */
export class StreamIdCollisionError extends ConflictError {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} differs only by case from an existing stream`, 'stream_id_collision', { streamId });
  }
}
