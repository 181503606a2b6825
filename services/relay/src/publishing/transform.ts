/**
 * The relay maps, then publishes: this is the map. A stored event becomes one AMQP message
 * as the contract in `contracts/` (AsyncAPI, `EventEnvelope.v1`) describes it. Pure: no
 * clock, no I/O, so the wire format is pinned down by unit specs.
 */
import { EXCHANGE, routingKey } from '@dreamcatcher/contracts';
import type { EventEnvelope } from '@dreamcatcher/contracts';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import type { Options } from 'amqplib';

/** One message ready for `ConfirmChannel.publish`. */
export interface RelayMessage {
  exchange: string;
  routingKey: string;
  envelope: EventEnvelope;
  /** AMQP properties and headers; `mandatory` makes an unroutable message come back instead of vanishing. */
  options: Options.Publish & { headers: Record<string, string> };
}

/** A stored event that cannot be expressed in the contract (missing metadata). Never skipped: the relay stops on it. */
export class TransformError extends Error {
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(`Event ${eventId} cannot be published: ${message}`);
    this.name = 'TransformError';
  }
}

export function transform(event: RecordedEvent): RelayMessage {
  const { metadata } = event;
  const schemaVersion = metadata.schemaVersion;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new TransformError(event.id, `schemaVersion is ${String(schemaVersion)}`);
  const occurredAt = metadata.occurredAt;
  const occurredAtMs = typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
  if (Number.isNaN(occurredAtMs)) throw new TransformError(event.id, `occurredAt is ${String(occurredAt)}`);

  const revision = event.revision.toString(10);
  const position = event.position.toString(10);
  const envelope: EventEnvelope = {
    eventId: event.id,
    type: event.type,
    schemaVersion,
    streamId: event.streamId,
    revision,
    position,
    occurredAt,
    data: event.data as EventEnvelope['data'],
    metadata: metadata as EventEnvelope['metadata'],
  };

  const headers: Record<string, string> = {
    'x-stream': event.streamId,
    'x-revision': revision,
    'x-position': position,
    'x-correlation-id': metadata.correlationId,
    'x-causation-id': metadata.causationId,
  };
  // Trace context travels only when the request had one; an empty header would be a wrong trace id.
  // (`tracestate`, when there is one, stays in the body's metadata: the header set is the contract's.)
  if (metadata.traceparent) headers.traceparent = metadata.traceparent;

  return {
    exchange: EXCHANGE,
    routingKey: routingKey(event.type, schemaVersion),
    envelope,
    options: {
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      messageId: event.id,
      type: event.type,
      correlationId: metadata.correlationId,
      // AMQP timestamps are whole seconds; the exact time is in the body.
      timestamp: Math.floor(occurredAtMs / 1000),
      appId: 'dreamcatcher-relay',
      headers,
    },
  };
}

/** The message body: the envelope as UTF-8 JSON. */
export function encodeEnvelope(envelope: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}
