import { expect } from 'chai';
import { connectAmqp } from './amqp.js';
import { createLogger } from './logger.js';
import { closeVhostConnections, eventually, useTestVhost } from './testing/index.js';

describe('AMQP connection', function () {
  this.timeout(30_000);
  const vhost = useTestVhost('dc_kit_amqp');
  const logger = createLogger({ service: 'test', level: 'error' });

  it('declares topology on connect and again after the broker drops it', async () => {
    let setups = 0;
    let disconnects = 0;
    const client = await connectAmqp({
      url: vhost.url,
      connectionName: 'kit-test',
      logger,
      onDisconnect: () => disconnects++,
      setup: async (connection) => {
        const channel = await connection.createChannel();
        await channel.assertQueue('kit.probe', { durable: true });
        await channel.close();
        setups++;
      },
    });
    try {
      await eventually(() => client.connected, { what: 'first connection' });
      expect(setups).to.equal(1);
      const vhostName = decodeURIComponent(new URL(vhost.url).pathname.slice(1));
      expect(await closeVhostConnections(vhostName)).to.equal(1);
      await eventually(() => setups === 2 && client.connected, { what: 'reconnection', timeoutMs: 15_000 });
      expect(disconnects).to.equal(1);
      const channel = await client.connection.createChannel();
      expect((await channel.checkQueue('kit.probe')).queue).to.equal('kit.probe');
      await channel.close();
    } finally {
      await client.close();
    }
    expect(client.connected).to.equal(false);
  });

  it('starts without a broker and reports not connected', async () => {
    const client = await connectAmqp({ url: 'amqp://guest:guest@127.0.0.1:1', connectionName: 'kit-test', logger, setup: async () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.connected).to.equal(false);
    await client.close();
  });
});
