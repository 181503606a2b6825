/**
 * Ids of a command and of everything it creates.
 *
 * With an Idempotency-Key every id is derived, not drawn: a name-based UUID (version 5
 * layout: SHA-1 over `userId:idempotencyKey:requestHash:<purpose>`, user id and key
 * percent-encoded) in a namespace of our own. The request hash is part of the name so that
 * a key reused for another request after it expired (24 h) cannot collide with the ids, and
 * so the events, of the request it first named. A retry of the same request, even one that follows a crash after
 * the append and before the answer was stored, therefore produces the same command id,
 * dream id, fragment id and event ids, and finds its own earlier events by causation id
 * instead of creating a second dream. Without a key nothing can repeat the request, so
 * ids are random (crypto.randomUUID).
 *
 * Event ids are always derived from the command id and the event's index, which is what
 * lets the store recognise a re-sent append as the same append.
 */
import { createHash, randomUUID } from 'node:crypto';

// A fixed namespace, so our names never collide with another system's v5 UUIDs.
const NAMESPACE = '6f1b8a52-c0d9-4e3e-9a4b-7d2c5e8f1a30';

/** A version 5 UUID (RFC 9562) for `name` in `namespace` (this service's own by default). */
export function nameBasedUuid(name: string, namespace = NAMESPACE): string {
  const space = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(space).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Makes the ids of one command: `id('dream')`, `id('fragment', 3)`, ... */
export interface IdSource {
  readonly commandId: string;
  /** The id for one purpose; the same purpose (and index) always gives the same id within a command. */
  id(purpose: string, index?: number): string;
}

/** Ids derived from the user, the idempotency key and the request: identical on every retry. */
export function derivedIds(userId: string, idempotencyKey: string, requestHash: string): IdSource {
  // Percent-encoding keeps the separators unambiguous: user "a:b" with key "c" and user "a"
  // with key "b:c" must not share a dream id.
  const scope = `${encodeURIComponent(userId)}:${encodeURIComponent(idempotencyKey)}:${requestHash}`;
  const derive = (purpose: string) => nameBasedUuid(`${scope}:${purpose}`);
  return { commandId: derive('command'), id: (purpose, index) => derive(index === undefined ? purpose : `${purpose}:${index}`) };
}

/** Random ids, for a command no one can repeat; memoised so one purpose keeps one id. */
export function randomIds(): IdSource {
  const made = new Map<string, string>();
  return {
    commandId: randomUUID(),
    id(purpose, index) {
      const name = index === undefined ? purpose : `${purpose}:${index}`;
      let id = made.get(name);
      if (!id) made.set(name, (id = randomUUID()));
      return id;
    },
  };
}

/** Derived ids for a request under an idempotency key, random ids otherwise. */
export function idSourceFor(userId: string, idempotency: { key: string; requestHash: string } | undefined): IdSource {
  return idempotency === undefined ? randomIds() : derivedIds(userId, idempotency.key, idempotency.requestHash);
}

/** The id of the `index`-th event a command appends. */
export function eventId(commandId: string, index: number): string {
  return nameBasedUuid(`${commandId}:event:${index}`);
}
