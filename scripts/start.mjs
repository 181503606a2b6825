// `npm start`: the whole system on the local PostgreSQL and RabbitMQ, with the
// PostgreSQL event store. Ctrl-C stops every service cleanly.
import { planSystem, startSystem, waitForReady } from './system.mjs';

const port = (name, fallback) => Number(process.env[name] ?? fallback);
const gatewayPort = port('PORT', 8080);
const plan = planSystem({
  ports: {
    gateway: gatewayPort,
    gatewayOps: port('OPS_PORT', 8089),
    command: port('COMMAND_SERVICE_PORT', 8081),
    relay: port('RELAY_PORT', 8082),
    projectors: [0, 1, 2, 3, 4, 5].map((i) => port('PROJECTOR_BASE_PORT', 8090) + i),
  },
  env: {
    ...(process.env.JWT_SECRET && { JWT_SECRET: process.env.JWT_SECRET }),
    ...(process.env.COMMAND_SERVICE_TOKEN && { COMMAND_SERVICE_TOKEN: process.env.COMMAND_SERVICE_TOKEN }),
  },
});

const system = startSystem(plan, {
  mode: 'dist',
  onExit: (name, code, signal) => {
    if (!stopping) console.error(`[start] ${name} exited (${signal ?? code}); restarting`);
  },
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`[start] ${signal}: stopping every service`);
  await system.stop();
  console.error('[start] stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const gateway = system.url('gateway');
const ops = system.opsUrl('gateway');
waitForReady(`${ops}/ready`, { timeoutMs: 120_000 })
  .then(() => console.error(`[start] Dreamcatcher is ready: ${gateway}/api/v1, ops (/ready, /metrics) on ${ops} (Ctrl-C to stop)`))
  .catch((error) => console.error(`[start] ${error.message}`));
