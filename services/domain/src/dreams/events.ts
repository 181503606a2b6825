import type {
  DocumentAttached,
  DreamArchived,
  DreamBrandChanged,
  DreamCreated,
  DreamDeleted,
  DreamDetailsChanged,
  DreamImportedV2,
  DreamStatusChanged,
  DreamSynced,
  DreamSyncFailed,
  DreamTagged,
  DreamUntagged,
  EventType,
  FragmentCaptured,
  FragmentEdited,
  FragmentRemoved,
  ImplementationCompleted,
  ImplementationRequested,
  TodoAdded,
  TodoChanged,
  TodoCompleted,
  TodoRemoved,
} from '@dreamcatcher/contracts';

/** A message as the decider sees it: the contract's event data under its type name. */
export type Event<Type extends string, Data> = { type: Type; data: Data };

/**
 * Every fact recorded in a dream's stream (`dream-<dreamId>`); `data` is the contract's type in
 * its current version (older stored versions are upcast before they reach the domain).
 */
export type DreamEvent =
  | Event<'DreamCreated', DreamCreated>
  | Event<'DreamImported', DreamImportedV2>
  | Event<'FragmentCaptured', FragmentCaptured>
  | Event<'FragmentEdited', FragmentEdited>
  | Event<'FragmentRemoved', FragmentRemoved>
  | Event<'DreamDetailsChanged', DreamDetailsChanged>
  | Event<'DreamStatusChanged', DreamStatusChanged>
  | Event<'DreamBrandChanged', DreamBrandChanged>
  | Event<'DreamTagged', DreamTagged>
  | Event<'DreamUntagged', DreamUntagged>
  | Event<'TodoAdded', TodoAdded>
  | Event<'TodoChanged', TodoChanged>
  | Event<'TodoCompleted', TodoCompleted>
  | Event<'TodoRemoved', TodoRemoved>
  | Event<'DocumentAttached', DocumentAttached>
  | Event<'ImplementationRequested', ImplementationRequested>
  | Event<'ImplementationCompleted', ImplementationCompleted>
  | Event<'DreamSynced', DreamSynced>
  | Event<'DreamSyncFailed', DreamSyncFailed>
  | Event<'DreamArchived', DreamArchived>
  | Event<'DreamDeleted', DreamDeleted>;

export type DreamEventType = DreamEvent['type'];

/** Compiles only when A and B have the same members. */
export type AssertSame<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// An event added to the contract fails to compile here until the domain knows it.
const _coversEveryContractEvent: AssertSame<DreamEventType, EventType> = true;
void _coversEveryContractEvent;

/**
 * An event as `evolve` folds it: a recorded event may carry its metadata, and only
 * `occurredAt` is read from it (to set the state's timestamps). Events straight from
 * `decide` have no metadata; folding them leaves the timestamps as they were.
 */
export type RecordedDreamEvent = DreamEvent & { metadata?: { occurredAt?: string } };
