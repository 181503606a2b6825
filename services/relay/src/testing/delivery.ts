import type { RecordedEvent } from '@dreamcatcher/event-store';
import { expect } from 'chai';
import type { Received } from './queue-collector.js';

/**
 * What a consumer that remembers each stream's last applied revision sees: every new
 * revision must be exactly the next one (duplicates and rewinds are skipped, a gap fails).
 * Returns how many deliveries were duplicates.
 */
export function expectGapFreePerStream(received: Received[]): number {
  const applied = new Map<string, bigint>();
  let duplicates = 0;
  for (const { body } of received) {
    const last = applied.get(body.streamId) ?? -1n;
    const revision = BigInt(body.revision);
    if (revision <= last) {
      duplicates++;
      continue;
    }
    expect(revision, `${body.streamId} jumped from revision ${last} to ${revision}`).to.equal(last + 1n);
    applied.set(body.streamId, revision);
  }
  return duplicates;
}

/** Every stored event arrived (at least once) and each delivery equals what the store holds. */
export function expectSameEvents(received: Received[], stored: RecordedEvent[]): void {
  const byId = new Map(stored.map((event) => [event.id, event]));
  for (const { body, properties } of received) {
    const event = byId.get(body.eventId);
    expect(event, `unknown event ${body.eventId}`).to.not.equal(undefined);
    expect(properties.messageId).to.equal(body.eventId);
    expect(body.position).to.equal(event!.position.toString());
    expect(body.revision).to.equal(event!.revision.toString());
    expect(body.streamId).to.equal(event!.streamId);
    expect(body.data).to.deep.equal(event!.data);
  }
  const receivedIds = new Set(received.map((message) => message.body.eventId));
  const missing = stored.filter((event) => !receivedIds.has(event.id));
  expect(missing.length, `${missing.length} events never arrived`).to.equal(0);
}
