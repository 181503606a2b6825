/**
 * `UserDataErased` (stream `user-<userId>`): the user's personal data was crypto-shredded
 * in the store, and read models are copies made after decryption, so every projection
 * forgets the user: the rows of its owner-scoped tables with that owner go. Stream trackers
 * stay, so a redelivered old event of one of the user's dreams is still a repeat, and later
 * events of those dreams find no row and change nothing. A rebuild replays the erasure at
 * its place in the history and ends the same way.
 */
import type { UserDataErased } from '@dreamcatcher/contracts';
import type { ProjectionEvent } from './events.js';
import type { Projection, ProjectionTx } from './projection.js';

export const USER_DATA_ERASED = 'UserDataErased';

export function isErasure(event: ProjectionEvent): event is ProjectionEvent<typeof USER_DATA_ERASED, UserDataErased> {
  return event.type === USER_DATA_ERASED && event.streamId.startsWith('user-') && typeof (event.data as Partial<UserDataErased>)?.userId === 'string';
}

export function forgetUser(tx: ProjectionTx, projection: Projection, userId: string): void {
  for (const spec of projection.tables) if (spec.ownerScoped) tx.table(spec).deleteWhere('owner_id', userId);
}
