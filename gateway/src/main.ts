// The HTTP gateway: authentication, validation, commands, queries and live updates.
import { loadConfig, runService } from '@dreamcatcher/service-kit';
import { readGatewayConfig } from './config.js';
import { startGateway } from './server.js';

await runService('gateway', async (service, logger) => {
  const config = loadConfig(readGatewayConfig);
  const running = await startGateway(config, logger);
  service.onShutdown(() => running.close());
  logger.info('gateway listening', { url: running.url, opsUrl: running.opsUrl, jwt: config.jwt.kind, eventStore: config.eventStore });
});
