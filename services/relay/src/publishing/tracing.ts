/**
 * The relay's publish span: a child of the trace context stored in the event's metadata
 * (the command's append span), so that the asynchronous hop stays in the request's trace.
 * The message's `traceparent` header is set from it, and consumers continue from there.
 * It ends when the broker confirms the message (or the pipeline fails). With tracing off
 * the span is a no-op and the header keeps the metadata's traceparent (transform.ts).
 */
import { contextFrom, contextWithSpan, SpanKind, startSpan, traceCarrier, type Context, type Span } from '@dreamcatcher/service-kit';
import type { RelayMessage } from './transform.js';

export interface PublishTrace {
  span: Span;
  /** The context to publish in: the span is current. */
  context: Context;
}

/** Starts the span of publishing `message` and points the message's `traceparent` header at it. */
export function startPublishSpan(message: RelayMessage, position: bigint): PublishTrace {
  const { traceparent, tracestate } = message.envelope.metadata;
  const parent = contextFrom({ ...(traceparent && { traceparent }), ...(tracestate && { tracestate }) });
  const span = startSpan(
    `publish ${message.routingKey}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': message.exchange,
        'messaging.rabbitmq.destination.routing_key': message.routingKey,
        'messaging.message.id': message.envelope.eventId,
        'dreamcatcher.event.type': message.envelope.type,
        'dreamcatcher.event.position': position.toString(),
      },
    },
    parent,
  );
  const context = contextWithSpan(span, parent);
  const carrier = traceCarrier(context);
  if (carrier.traceparent) message.options.headers.traceparent = carrier.traceparent;
  return { span, context };
}
