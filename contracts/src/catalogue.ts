import type { CommandDataByType } from './generated/commands.js';
import type {
  Brand,
  CaptureMode,
  DreamStatus,
  SyncOutcome,
  TodoPriority,
  TodoSource,
  TodoStatus,
} from './generated/common.js';
import type { EventEnvelope } from './generated/envelope.js';
import type { EventDataByType, UserEventDataByType } from './generated/events.js';

/** Every event type, in the order of a dream's life. One schema file each in `events/`. */
export const EVENT_TYPES = [
  'DreamCreated',
  'DreamImported',
  'FragmentCaptured',
  'FragmentEdited',
  'FragmentRemoved',
  'DreamDetailsChanged',
  'DreamStatusChanged',
  'DreamBrandChanged',
  'DreamTagged',
  'DreamUntagged',
  'TodoAdded',
  'TodoChanged',
  'TodoCompleted',
  'TodoRemoved',
  'DocumentAttached',
  'ImplementationRequested',
  'ImplementationCompleted',
  'DreamSynced',
  'DreamSyncFailed',
  'DreamArchived',
  'DreamDeleted',
] as const;

/** Events about a user rather than one of their dreams (stream `user-<userId>`). One schema file each in `events/`. */
export const USER_EVENT_TYPES = ['UserDataErased'] as const;

/** Every event type of `events/`: the dream events, then the user events. */
export const ALL_EVENT_TYPES = [...EVENT_TYPES, ...USER_EVENT_TYPES] as const;

/**
 * The schema version each event type is written in today: its newest `events/<Type>.v<n>`
 * file. A type left out is at version 1. Older versions stay readable through the upcasters.
 */
export const CURRENT_EVENT_VERSIONS: Readonly<Record<string, number>> = { DreamImported: 2 };

/** The schema version new events of `type` are written in (and published as). */
export function currentEventVersion(type: string): number {
  return CURRENT_EVENT_VERSIONS[type] ?? 1;
}

/** Every command type. One schema file each in `commands/`. */
export const COMMAND_TYPES = [
  'CaptureFragment',
  'AddFragment',
  'EditFragment',
  'RemoveFragment',
  'CreateDream',
  'ImportDream',
  'ChangeDreamDetails',
  'ChangeDreamStatus',
  'SetDreamTags',
  'ArchiveDream',
  'DeleteDream',
  'AddTodo',
  'ChangeTodo',
  'CompleteTodo',
  'RemoveTodo',
  'ReplaceTodos',
  'AttachDocument',
  'RequestImplementation',
  'CompleteImplementation',
  'ReportSync',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type UserEventType = (typeof USER_EVENT_TYPES)[number];
export type CommandType = (typeof COMMAND_TYPES)[number];

export const BRANDS = ['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto'] as const satisfies readonly Brand[];
export const DREAM_STATUSES = ['idea', 'in_progress', 'completed', 'archived'] as const satisfies readonly DreamStatus[];
export const CAPTURE_MODES = ['all', 'last5', 'selected'] as const satisfies readonly CaptureMode[];
export const TODO_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const satisfies readonly TodoPriority[];
export const TODO_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const satisfies readonly TodoStatus[];
export const TODO_SOURCES = ['manual', 'ai_generated', 'document_parsed'] as const satisfies readonly TodoSource[];
export const SYNC_OUTCOMES = ['synced', 'failed'] as const satisfies readonly SyncOutcome[];

/** The value a command gets when it leaves the field out. */
export const DEFAULT_BRAND: Brand = 'personal';
export const DEFAULT_DREAM_STATUS: DreamStatus = 'idea';
export const DEFAULT_CAPTURE_MODE: CaptureMode = 'all';
export const DEFAULT_TODO_PRIORITY: TodoPriority = 'medium';
export const DEFAULT_TODO_STATUS: TodoStatus = 'pending';
export const DEFAULT_TODO_SOURCE: TodoSource = 'manual';

/** An event as the domain produces it: `{ type, data }`, data typed by the type. */
export type DreamEventOf<T extends EventType = EventType> = { [K in T]: { type: K; data: EventDataByType[K] } }[T];
/** A command as the command service hands it to the domain: `{ type, data }`. */
export type DreamCommandOf<T extends CommandType = CommandType> = { [K in T]: { type: K; data: CommandDataByType[K] } }[T];

/** An envelope whose `type` and `data` agree (what `validateEnvelope` accepts for a known type). */
export type EventEnvelopeOf<T extends EventType = EventType> = {
  [K in T]: Omit<EventEnvelope, 'type' | 'data'> & { type: K; data: EventDataByType[K] };
}[T];

// Compile-time guards: the lists above and the types generated from the schemas must have the
// same members, so adding a schema without listing it (or the reverse) fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameMembers: [
  Same<EventType, keyof EventDataByType>,
  Same<UserEventType, keyof UserEventDataByType>,
  Same<CommandType, keyof CommandDataByType>,
  Same<(typeof BRANDS)[number], Brand>,
  Same<(typeof DREAM_STATUSES)[number], DreamStatus>,
  Same<(typeof CAPTURE_MODES)[number], CaptureMode>,
  Same<(typeof TODO_PRIORITIES)[number], TodoPriority>,
  Same<(typeof TODO_STATUSES)[number], TodoStatus>,
  Same<(typeof TODO_SOURCES)[number], TodoSource>,
  Same<(typeof SYNC_OUTCOMES)[number], SyncOutcome>,
] = [true, true, true, true, true, true, true, true, true, true];
void sameMembers;
