import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../logger.js';
import { useInMemoryTracing } from '../testing/tracing.js';
import { activeTraceIds, contextFrom, endSpan, inSpan, linkTo, SpanKind, startSpan, traceCarrier } from './context.js';
import { JsonLinesSpanExporter } from './span-records.js';

const INBOUND = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing helpers without an SDK', () => {
  it('inject nothing, extract nothing and have no active ids: untraced work stays as it was', async () => {
    await inSpan('work', {}, () => {
      expect(traceCarrier()).to.deep.equal({});
      expect(activeTraceIds()).to.equal(undefined);
    });
    expect(linkTo(contextFrom({ traceparent: INBOUND }))).to.equal(undefined);
  });
});

describe('tracing helpers with an SDK', () => {
  const tracing = useInMemoryTracing('kit-test');
  beforeEach(() => tracing.reset());

  it('continue a trace from an inbound traceparent, and hand on the active span', async () => {
    let carrier = {};
    await inSpan('append', { kind: SpanKind.INTERNAL }, () => (carrier = traceCarrier()), contextFrom({ traceparent: INBOUND }));
    const [span] = tracing.spans();
    expect(span).to.include({ name: 'append', kind: 'internal', service: 'kit-test', traceId: '0af7651916cd43dd8448eb211c80319c', parentSpanId: 'b7ad6b7169203331', status: 'unset' });
    expect(carrier).to.deep.equal({ traceparent: `00-${span!.traceId}-${span!.spanId}-01` });
  });

  it('read trace context from AMQP headers whose values are Buffers', () => {
    const parent = contextFrom({ traceparent: Buffer.from(INBOUND) });
    expect(linkTo(parent)?.context).to.include({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
  });

  it('nest spans and link a batch to the traces of its messages', async () => {
    await inSpan('outer', {}, async () => {
      await inSpan('inner', {}, () => undefined);
      const batch = startSpan('batch', { links: [linkTo(contextFrom({ traceparent: INBOUND }))!] });
      endSpan(batch);
    });
    const byName = Object.fromEntries(tracing.spans().map((span) => [span.name, span]));
    expect(byName.inner!.parentSpanId).to.equal(byName.outer!.spanId);
    expect(byName.batch!.parentSpanId).to.equal(byName.outer!.spanId);
    expect(byName.batch!.links).to.deep.equal([{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }]);
  });

  it('mark a span failed when its work throws, and pass the error on', async () => {
    const error = await inSpan('fails', {}, () => {
      throw new Error('broker gone');
    }).catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(Error).with.property('message', 'broker gone');
    expect(tracing.spans()[0]).to.include({ name: 'fails', status: 'error' });
  });

  it('put the active trace and span ids on log lines', async () => {
    const stream = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line))));
    const logger = createLogger({ service: 'svc', stream });
    await inSpan('logged', {}, () => logger.info('inside'));
    logger.info('outside');
    await new Promise((resolve) => setImmediate(resolve));
    const span = tracing.spans()[0]!;
    expect(lines[0]).to.include({ message: 'inside', traceId: span.traceId, spanId: span.spanId });
    expect(lines[1]).to.not.have.property('traceId');
  });

  it('write finished spans as JSON lines, one file per process', async () => {
    await inSpan('exported', { attributes: { 'messaging.destination.name': 'dreamcatcher.events' } }, () => undefined);
    const dir = mkdtempSync(join(tmpdir(), 'spans-'));
    try {
      const exporter = new JsonLinesSpanExporter(join(dir, 'nested'), 'projector/x');
      const result = await new Promise<{ code: number }>((resolve) => exporter.export([tracing.raw()[0]!], resolve));
      expect(result.code).to.equal(0);
      expect(readdirSync(join(dir, 'nested'))).to.deep.equal([`projector_x-${process.pid}.jsonl`]);
      const [line] = readFileSync(exporter.path, 'utf8').trim().split('\n');
      expect(JSON.parse(line!)).to.deep.include({ name: 'exported', service: 'kit-test', attributes: { 'messaging.destination.name': 'dreamcatcher.events' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
