/**
 * Spans of a projector's work. Every message gets its own `apply <projection>` span, a
 * child of the trace context the message carries (its AMQP `traceparent` header, else the
 * event's metadata), so the trace of a capture shows the apply in each projection however
 * messages were batched. The batch's transaction runs inside one `apply batch
 * <projection>` span (parent of its SQL spans): a child of the messages' trace when they
 * all belong to one, else the start of a trace of its own with a link to each message.
 * The per-message spans link back to it. With tracing off all of this is a no-op.
 */
import { contextFrom, contextWithSpan, endSpan, linkTo, ROOT_CONTEXT, SpanKind, startSpan, withContext, type ConsumeMessage, type Context } from '@dreamcatcher/service-kit';
import type { ProjectionEvent } from './events.js';

/** A message and the event it carries. */
export interface Applying {
  message: ConsumeMessage;
  event: ProjectionEvent;
}

function parentOf({ message, event }: Applying): Context {
  const headers = message.properties.headers as Record<string, unknown> | undefined;
  if (headers?.traceparent !== undefined) return contextFrom(headers);
  const { traceparent, tracestate } = event.metadata;
  return contextFrom({ ...(traceparent && { traceparent }), ...(tracestate && { tracestate }) });
}

/** The one trace all `parents` belong to, or undefined when they span several (or none). */
function sharedTrace(parents: Context[]): Context | undefined {
  const first = linkTo(parents[0] ?? ROOT_CONTEXT);
  if (!first) return undefined;
  return parents.every((parent) => linkTo(parent)?.context.traceId === first.context.traceId) ? parents[0] : undefined;
}

/** Runs `work` (the batch's transaction) inside the batch span, with a span per message around it. */
export async function traceApply<T>(projection: string, items: Applying[], work: () => Promise<T>): Promise<T> {
  const parents = items.map(parentOf);
  const shared = sharedTrace(parents);
  const batch = startSpan(
    `apply batch ${projection}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { 'dreamcatcher.projection': projection, 'messaging.batch.message_count': items.length },
      ...(!shared && { links: parents.map(linkTo).filter((link) => link !== undefined) }),
    },
    shared ?? ROOT_CONTEXT,
  );
  const batchLink = linkTo(contextWithSpan(batch, ROOT_CONTEXT));
  const spans = items.map(({ event, message }, index) =>
    startSpan(
      `apply ${projection}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.fields.exchange,
          'messaging.rabbitmq.destination.routing_key': message.fields.routingKey,
          'messaging.message.id': event.eventId,
          'dreamcatcher.projection': projection,
          'dreamcatcher.event.type': event.type,
          'dreamcatcher.event.position': event.position.toString(),
        },
        ...(batchLink && { links: [batchLink] }),
      },
      parents[index],
    ),
  );
  try {
    const result = await withContext(contextWithSpan(batch, shared ?? ROOT_CONTEXT), work);
    for (const span of [...spans, batch]) endSpan(span);
    return result;
  } catch (error) {
    for (const span of [...spans, batch]) endSpan(span, error);
    throw error;
  }
}
