import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createLogger, withLogContext } from './logger.js';

function capture(level = 'info') {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ service: 'svc', level, stream }), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('logger', () => {
  it('writes JSON lines with timestamp, level, service and the context of the work in progress', async () => {
    const { logger, lines } = capture();
    await withLogContext({ requestId: 'r-1', correlationId: 'c-1', userId: 'u-1' }, async () => {
      await Promise.resolve();
      logger.info('command handled', { commandType: 'CaptureFragment' });
    });
    await flush();
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 'info', service: 'svc', message: 'command handled', requestId: 'r-1', correlationId: 'c-1', userId: 'u-1', commandType: 'CaptureFragment' });
    expect(Date.parse(String(lines[0]!.timestamp))).to.be.a('number').and.not.NaN;
  });

  it('never writes credentials or captured content', async () => {
    const { logger, lines } = capture();
    logger.warn('request', { headers: { authorization: 'Bearer abc.def.ghi' }, body: { fragment: { content: 'my secret idea' } }, password: 'p' });
    await flush();
    const text = JSON.stringify(lines);
    expect(text).not.to.include('abc.def.ghi');
    expect(text).not.to.include('my secret idea');
    expect(text).to.include('[redacted]');
  });

  it('respects the level', async () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.debug('hidden');
    logger.error('shown');
    await flush();
    expect(lines.map((line) => line.message)).to.deep.equal(['shown']);
  });
});
