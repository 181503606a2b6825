import { expect } from 'chai';
import { endSpan } from '@dreamcatcher/service-kit';
import { useInMemoryTracing } from '@dreamcatcher/service-kit/testing';
import { dreamStreamId, dreamSynced, fragmentCaptured, recorded, TRACEPARENT } from '../testing/events.js';
import { startPublishSpan } from './tracing.js';
import { transform } from './transform.js';

const DREAM_ID = '3f0c5a7e-2b1d-4c8e-9a6f-1d2e3f4a5b6c';

describe('publish spans', () => {
  const tracing = useInMemoryTracing('relay');
  beforeEach(() => tracing.reset());

  it('continue the trace stored with the event and hand the publish span on in the traceparent header', () => {
    const message = transform(recorded(fragmentCaptured(DREAM_ID, 1), { streamId: dreamStreamId(DREAM_ID), revision: 0n, position: 42n }));
    const { span } = startPublishSpan(message, 42n);
    endSpan(span);
    const [published] = tracing.spans();
    expect(published).to.include({ name: 'publish dream.fragment-captured.v1', kind: 'producer', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
    expect(published!.attributes).to.include({ 'messaging.destination.name': 'dreamcatcher.events', 'dreamcatcher.event.position': '42' });
    expect(message.options.headers.traceparent).to.equal(`00-${published!.traceId}-${published!.spanId}-01`);
    // The stored event keeps its own trace context: only the message's header moves on.
    expect(message.envelope.metadata.traceparent).to.equal(TRACEPARENT);
  });

  it('start a trace for an event stored without trace context', () => {
    const message = transform(recorded(dreamSynced(DREAM_ID), { streamId: dreamStreamId(DREAM_ID), revision: 1n, position: 43n }));
    endSpan(startPublishSpan(message, 43n).span);
    const [published] = tracing.spans();
    expect(published!.parentSpanId).to.equal(undefined);
    expect(message.options.headers.traceparent).to.equal(`00-${published!.traceId}-${published!.spanId}-01`);
  });
});
