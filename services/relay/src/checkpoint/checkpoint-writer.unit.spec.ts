import { createLogger } from '@dreamcatcher/service-kit';
import { expect } from 'chai';
import { CheckpointWriter } from './checkpoint-writer.js';

const logger = createLogger({ service: 'test', level: 'error' });

describe('CheckpointWriter: batched checkpoint writes', () => {
  it('writes once per batch of confirms, always the newest position, never backwards', async () => {
    const writes: bigint[] = [];
    const writer = new CheckpointWriter(
      async (position) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        writes.push(position);
      },
      { logger, onError: () => expect.fail('no error expected') },
    );
    for (let position = 1n; position <= 100n; position++) writer.advance(position);
    writer.advance(50n);
    await writer.flush();
    expect(writes).to.deep.equal([1n, 100n]);
    expect(writer.position).to.equal(100n);
  });

  it('starts from the checkpoint it was given and skips positions at or below it', async () => {
    const writes: bigint[] = [];
    const writer = new CheckpointWriter(async (position) => void writes.push(position), { logger, onError: () => undefined }, 10n);
    writer.advance(10n);
    writer.advance(7n);
    await writer.flush();
    expect(writes).to.deep.equal([]);
    writer.advance(11n);
    await writer.flush();
    expect(writes).to.deep.equal([11n]);
  });

  it('reports a failed write once and stops writing (the lock session is gone)', async () => {
    const errors: Error[] = [];
    let attempts = 0;
    const writer = new CheckpointWriter(
      async () => {
        attempts++;
        throw new Error('connection terminated');
      },
      { logger, onError: (error) => errors.push(error) },
    );
    writer.advance(1n);
    await writer.flush();
    writer.advance(2n);
    await writer.flush();
    expect(errors.map((error) => error.message)).to.deep.equal(['connection terminated']);
    expect(attempts).to.equal(1);
    expect(writer.position).to.equal(undefined);
  });
});
