import { expect } from 'chai';
import type { ConsumeMessage } from '@dreamcatcher/service-kit';
import { useInMemoryTracing } from '@dreamcatcher/service-kit/testing';
import type { ProjectionEvent } from './events.js';
import { traceApply, type Applying } from './tracing.js';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = (trace: string, span: string) => `00-${trace}-${span}-01`;

function applying(position: number, headers: Record<string, unknown>, metadata: Record<string, unknown> = {}): Applying {
  const event = { eventId: `e-${position}`, type: 'FragmentCaptured', position: BigInt(position), metadata: { correlationId: 'c', ...metadata } } as unknown as ProjectionEvent;
  const message = { fields: { exchange: 'dreamcatcher.events', routingKey: 'dream.fragment-captured.v1' }, properties: { headers } } as unknown as ConsumeMessage;
  return { event, message };
}

describe('projector spans', () => {
  const tracing = useInMemoryTracing('projector');
  beforeEach(() => tracing.reset());
  const named = (name: string) => tracing.spans().filter((span) => span.name === name);

  it('make each message\'s apply span a child of its traceparent header, and run one batch in that trace', async () => {
    const items = [applying(1, { traceparent: parent(TRACE_A, 'aaaaaaaaaaaaaaaa') }), applying(2, { traceparent: Buffer.from(parent(TRACE_A, 'aaaaaaaaaaaaaaaa')) })];
    expect(await traceApply('dream_summary', items, async () => 'committed')).to.equal('committed');
    const applies = named('apply dream_summary');
    const [batch] = named('apply batch dream_summary');
    expect(applies.map((span) => [span.traceId, span.parentSpanId, span.kind])).to.deep.equal([
      [TRACE_A, 'aaaaaaaaaaaaaaaa', 'consumer'],
      [TRACE_A, 'aaaaaaaaaaaaaaaa', 'consumer'],
    ]);
    expect(applies[0]!.attributes).to.include({ 'dreamcatcher.projection': 'dream_summary', 'messaging.message.id': 'e-1', 'dreamcatcher.event.position': '1' });
    expect(batch).to.include({ traceId: TRACE_A, parentSpanId: 'aaaaaaaaaaaaaaaa' });
    expect(applies[0]!.links).to.deep.equal([{ traceId: TRACE_A, spanId: batch!.spanId }]);
  });

  it('fall back to the event metadata when the message has no trace header', async () => {
    await traceApply('catalogue', [applying(3, {}, { traceparent: parent(TRACE_B, 'bbbbbbbbbbbbbbbb') })], async () => undefined);
    expect(named('apply catalogue')[0]).to.include({ traceId: TRACE_B, parentSpanId: 'bbbbbbbbbbbbbbbb' });
  });

  it('start a trace for a batch of several traces, linked to each message', async () => {
    const items = [applying(1, { traceparent: parent(TRACE_A, 'aaaaaaaaaaaaaaaa') }), applying(2, { traceparent: parent(TRACE_B, 'bbbbbbbbbbbbbbbb') }), applying(3, {})];
    await traceApply('dream_detail', items, async () => undefined);
    const [batch] = named('apply batch dream_detail');
    expect(batch!.parentSpanId).to.equal(undefined);
    expect([TRACE_A, TRACE_B]).to.not.include(batch!.traceId);
    expect(batch!.links).to.deep.equal([
      { traceId: TRACE_A, spanId: 'aaaaaaaaaaaaaaaa' },
      { traceId: TRACE_B, spanId: 'bbbbbbbbbbbbbbbb' },
    ]);
    const [first, second, untraced] = named('apply dream_detail');
    expect([first!.traceId, second!.traceId]).to.deep.equal([TRACE_A, TRACE_B]);
    // A message without trace context starts a trace of its own.
    expect(untraced!.parentSpanId).to.equal(undefined);
  });

  it('mark every span of a failed batch as failed', async () => {
    const failing = traceApply('sync_status', [applying(1, { traceparent: parent(TRACE_A, 'aaaaaaaaaaaaaaaa') })], async () => {
      throw new Error('deadlock detected');
    });
    expect(await failing.catch((error: Error) => error.message)).to.equal('deadlock detected');
    expect(tracing.spans().map((span) => span.status)).to.deep.equal(['error', 'error']);
  });
});
