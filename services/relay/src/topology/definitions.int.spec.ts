import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVENTS_EXCHANGE, PROJECTION_NAMES, projectionQueue } from '@dreamcatcher/service-kit';
import { eventually, useTestVhost } from '@dreamcatcher/service-kit/testing';
import amqplib from 'amqplib';
import { expect } from 'chai';
import { vhostOf } from '../testing/queue-collector.js';
import { declareTopology } from './declare.js';
import { DEFINITIONS_FILE, renderDefinitions } from './definitions.js';

const run = promisify(execFile);

/**
 * `rabbitmqctl import_definitions <file>`. The file must be readable by the broker's own user
 * (rabbitmqctl may switch to it), and the import completes asynchronously.
 */
async function importDefinitions(json: string): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'relay-definitions-'));
  try {
    await chmod(directory, 0o755);
    const file = join(directory, 'definitions.json');
    await writeFile(file, json, { mode: 0o644 });
    await run('rabbitmqctl', ['-q', 'import_definitions', file], { timeout: 30_000 });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** True once every projection queue exists (a failed passive declare closes its channel, hence one per try). */
async function queuesExist(url: string): Promise<boolean> {
  const connection = await amqplib.connect(url);
  try {
    for (const projection of PROJECTION_NAMES) {
      const channel = await connection.createChannel();
      await channel.checkQueue(projectionQueue(projection));
      await channel.close();
    }
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('broker definitions (infra/rabbitmq/definitions.json)', function () {
  this.timeout(30_000);
  const vhost = useTestVhost('dc_relay_defs');

  it('is the committed output of the generator (npm run definitions -w @dreamcatcher/relay)', async () => {
    expect(await readFile(DEFINITIONS_FILE, 'utf8')).to.equal(renderDefinitions());
  });

  it('imports into a broker, agrees with the declarations in code and routes every event to every projection', async () => {
    await importDefinitions(renderDefinitions(vhostOf(vhost.url)));
    await eventually(() => queuesExist(vhost.url), { what: 'the imported queues', timeoutMs: 15_000, intervalMs: 200 });
    const connection = await amqplib.connect(vhost.url);
    try {
      const channel = await connection.createConfirmChannel();
      // Declaring with different arguments than the imported ones would close the channel (PRECONDITION_FAILED).
      await declareTopology(channel);
      channel.publish(EVENTS_EXCHANGE, 'dream.fragment-captured.v1', Buffer.from('{}'), { mandatory: true });
      await channel.waitForConfirms();
      for (const projection of PROJECTION_NAMES) {
        const queue = await channel.checkQueue(projectionQueue(projection));
        expect(queue.messageCount, projection).to.equal(1);
      }
    } finally {
      await connection.close();
    }
  });
});
