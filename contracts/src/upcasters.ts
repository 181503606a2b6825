/**
 * Event evolution: stored events are never rewritten, so every reader turns an event stored
 * in an older schema version into the current one before it looks at the data. One registry
 * holds each step, (type, fromVersion) -> the data in fromVersion + 1; `upcast` chains the
 * steps up to `currentEventVersion(type)`. `downcast` is the reverse, for publishing a
 * previous version to consumers that have not moved yet.
 */
import { currentEventVersion } from './catalogue.js';

type Data = Record<string, unknown>;
type Step = (data: Data) => Data;

const key = (type: string, fromVersion: number) => `${type}@${fromVersion}`;

/** (type, fromVersion) -> the same fact in fromVersion + 1. */
const UPCASTERS: ReadonlyMap<string, Step> = new Map([
  // Version 2 only adds optional fields: a version 1 import had no origin and no options.
  [key('DreamImported', 1), (data: Data) => ({ ...data })],
]);

/** (type, fromVersion) -> the same fact in fromVersion - 1, dropping what the older version lacks. */
const DOWNCASTERS: ReadonlyMap<string, Step> = new Map([
  [key('DreamImported', 2), ({ origin: _origin, pipelineOSOptions: _options, ...rest }: Data) => rest],
]);

export class UpcastError extends Error {
  override name = 'UpcastError';
}

/** An event as readers pass it through: its type, its data and the version the data is in. */
export interface VersionedEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** The event's data in the current version of its type (the same object when it already is). */
export function upcast<E extends VersionedEvent>(event: E): E {
  const target = currentEventVersion(event.type);
  if (event.schemaVersion >= target) return event;
  let data = event.data as Data;
  for (let version = event.schemaVersion; version < target; version++) {
    const step = UPCASTERS.get(key(event.type, version));
    if (!step) throw new UpcastError(`no upcaster for ${event.type} from version ${version}`);
    data = step(data);
  }
  return { ...event, schemaVersion: target, data };
}

/** The event's data in an older version `to` of its type. */
export function downcast<E extends VersionedEvent>(event: E, to: number): E {
  let data = event.data as Data;
  for (let version = event.schemaVersion; version > to; version--) {
    const step = DOWNCASTERS.get(key(event.type, version));
    if (!step) throw new UpcastError(`no downcaster for ${event.type} from version ${version}`);
    data = step(data);
  }
  return { ...event, schemaVersion: to, data };
}

/** The versions before the current one that `downcast` can produce for `type`, newest first. */
export function previousVersions(type: string): number[] {
  const versions: number[] = [];
  for (let version = currentEventVersion(type); DOWNCASTERS.has(key(type, version)); version--) versions.push(version - 1);
  return versions;
}

/** `upcast` for a stored event, whose version is in its metadata (absent means 1). */
export function upcastRecorded<E extends { type: string; data: unknown; metadata: { schemaVersion?: number } }>(event: E): E {
  const schemaVersion = event.metadata.schemaVersion ?? 1;
  if (schemaVersion >= currentEventVersion(event.type)) return event;
  const { data } = upcast({ type: event.type, schemaVersion, data: event.data });
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: currentEventVersion(event.type) } };
}
