import type { EventType } from '../runtime/events.js';

/** Every dream event type of the catalogue (the mapped type makes a missing or unknown one a compile error). */
const ALL: { [K in EventType]: true } = {
  DreamCreated: true,
  DreamImported: true,
  FragmentCaptured: true,
  FragmentEdited: true,
  FragmentRemoved: true,
  DreamDetailsChanged: true,
  DreamStatusChanged: true,
  DreamBrandChanged: true,
  DreamTagged: true,
  DreamUntagged: true,
  TodoAdded: true,
  TodoChanged: true,
  TodoCompleted: true,
  TodoRemoved: true,
  DocumentAttached: true,
  ImplementationRequested: true,
  ImplementationCompleted: true,
  DreamSynced: true,
  DreamSyncFailed: true,
  DreamArchived: true,
  DreamDeleted: true,
};

export const ALL_DREAM_EVENTS = Object.keys(ALL) as EventType[];
