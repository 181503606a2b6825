import { expect } from 'chai';
import type { AppendResult, EventStore, EventToAppend } from '@dreamcatcher/event-store';
import { contextFrom, inSpan } from '@dreamcatcher/service-kit';
import { useInMemoryTracing } from '@dreamcatcher/service-kit/testing';
import { traceAppends } from './traced-store.js';

const INBOUND = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function recordingStore(): { store: EventStore; appended: EventToAppend[][] } {
  const appended: EventToAppend[][] = [];
  const store = {
    async appendToStream(_streamId: string, events: EventToAppend[]): Promise<AppendResult> {
      appended.push(events);
      return { nextExpectedRevision: 0n, position: 1n, events: events.map((event, index) => ({ id: event.id, revision: BigInt(index), position: BigInt(index + 1) })) };
    },
  } as unknown as EventStore;
  return { store, appended };
}

const event = (metadata: Record<string, unknown> = {}): EventToAppend => ({
  id: 'e-1',
  type: 'FragmentCaptured',
  data: {},
  metadata: { userId: 'u', correlationId: 'c', causationId: 'cmd', occurredAt: '2025-03-01T12:00:00.000Z', schemaVersion: 1, ...metadata },
});

describe('traced appends, tracing off', () => {
  it('store the trace context the request brought, unchanged', async () => {
    const { store, appended } = recordingStore();
    await traceAppends(store).appendToStream('dream-1', [event({ traceparent: INBOUND, tracestate: 'v=1' })]);
    expect(appended[0]![0]!.metadata).to.include({ traceparent: INBOUND, tracestate: 'v=1' });
  });
});

describe('traced appends, tracing on', () => {
  const tracing = useInMemoryTracing('command');
  beforeEach(() => tracing.reset());

  it('append in a span of the request\'s trace and store that span as the events\' trace context', async () => {
    const { store, appended } = recordingStore();
    await inSpan('POST /commands/:type', {}, () => traceAppends(store).appendToStream('dream-1', [event({ traceparent: INBOUND, tracestate: 'stale=1' })]), contextFrom({ traceparent: INBOUND }));
    const spans = Object.fromEntries(tracing.spans().map((span) => [span.name, span]));
    const append = spans['append dream']!;
    expect(append.parentSpanId).to.equal(spans['POST /commands/:type']!.spanId);
    expect(append.traceId).to.equal('0af7651916cd43dd8448eb211c80319c');
    expect(append.attributes).to.include({ 'dreamcatcher.stream.id': 'dream-1', 'dreamcatcher.event.count': 1 });
    const { metadata } = appended[0]![0]!;
    expect(metadata.traceparent).to.equal(`00-${append.traceId}-${append.spanId}-01`);
    // The tracestate of the inbound request is not the append span's (it had none).
    expect(metadata).to.not.have.property('tracestate');
    expect(metadata).to.include({ correlationId: 'c', causationId: 'cmd' });
  });
});
