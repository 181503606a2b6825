/**
 * Appends in their own span, with that span's trace context written into the events'
 * metadata, so that whatever follows an event (the relay's publish, each projector's
 * apply) continues the trace from the append and not merely from the request. It wraps the
 * outermost store: the audited store hashes the metadata as it is stored. With tracing off
 * the metadata keeps the trace context the request brought, if any.
 */
import type { EventStore, EventToAppend } from '@dreamcatcher/event-store';
import { inSpan, SpanKind, traceCarrier } from '@dreamcatcher/service-kit';

function withTraceContext(events: EventToAppend[]): EventToAppend[] {
  const { traceparent, tracestate } = traceCarrier();
  if (!traceparent) return events;
  return events.map((event) => {
    const { tracestate: _inbound, ...metadata } = event.metadata;
    return { ...event, metadata: { ...metadata, traceparent, ...(tracestate !== undefined && { tracestate }) } };
  });
}

/** `store` with every append traced as `append <stream category>`. */
export function traceAppends(store: EventStore): EventStore {
  return {
    appendToStream: (streamId, events, options) =>
      inSpan(
        `append ${streamId.split('-')[0]}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'dreamcatcher.stream.id': streamId,
            'dreamcatcher.event.count': events.length,
            'dreamcatcher.event.types': events.map((event) => event.type),
            ...(typeof options?.expectedRevision === 'bigint' && { 'dreamcatcher.expected_revision': options.expectedRevision.toString() }),
          },
        },
        () => store.appendToStream(streamId, withTraceContext(events), options),
      ),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    streamExists: (streamId) => store.streamExists(streamId),
    deleteStream: (streamId) => store.deleteStream(streamId),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
