/**
 * Which versions of an event go out. A stored event is published in the current version of
 * its type (upcast when it was stored in an older one). Until the deprecation window closes
 * (`RELAY_PUBLISH_PREVIOUS_VERSIONS_UNTIL`), it is also published in each previous version
 * the contracts can downcast to, under that version's routing key, so a consumer bound to
 * `.v1` keeps receiving while it moves to `.v2`.
 */
import { downcast, previousVersions, upcastRecorded } from '@dreamcatcher/contracts';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { transform, type RelayMessage } from './transform.js';

export interface VersionPolicy {
  /** Previous versions are published while `now()` is before this instant; never when unset. */
  previousVersionsUntil?: Date | undefined;
  now?: () => Date;
}

/** The messages for one stored event: the current version first, then any previous ones. */
export function messagesFor(event: RecordedEvent, policy: VersionPolicy = {}): RelayMessage[] {
  const current = upcastRecorded(event);
  const messages = [transform(current)];
  const until = policy.previousVersionsUntil;
  if (until === undefined || (policy.now ?? (() => new Date()))() >= until) return messages;
  const version = current.metadata.schemaVersion;
  for (const previous of previousVersions(current.type)) {
    const { data } = downcast({ type: current.type, schemaVersion: version, data: current.data }, previous);
    const message = transform({ ...current, data, metadata: { ...current.metadata, schemaVersion: previous } });
    message.options.headers['x-deprecated-version'] = 'true';
    messages.push(message);
  }
  return messages;
}
