// Runs the whole system — command service, relay, one projector per projection, gateway —
// as separate processes, restarts one that dies, and stops them all together.
// Used by `npm start` (compiled services) and by the end-to-end tests (TypeScript sources).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const PROJECTIONS = ['dream_summary', 'dream_detail', 'sync_status', 'user_activity', 'dream_search', 'catalogue'];

/** Development defaults; every service refuses them when NODE_ENV=production. */
export const DEVELOPMENT_ENV = {
  JWT_SECRET: 'dev-secret-change-me',
  COMMAND_SERVICE_TOKEN: 'dev-command-token-change-me',
  DATA_KEY_ENCRYPTION_KEY: 'ZHJlYW1jYXRjaGVyLWRldi1kYXRhLWtleS0wMDAwMDA=', // 32 bytes; wraps every data key of the audited store
};

/**
 * The processes of the system and the environment of each.
 * `ports`: { gateway, gatewayOps, command, relay, projectors: [one per projection] }.
 * Each service's `opsUrl` serves /health, /ready and /metrics: its `url` for every
 * service but the gateway, which serves them on a port of their own (OPS_PORT).
 */
export function planSystem({ ports, env = {} }) {
  const local = (port) => `http://127.0.0.1:${port}`;
  const shared = { ...DEVELOPMENT_ENV, ...env };
  const projectors = PROJECTIONS.map((projection, index) => ({
    name: `projector-${projection}`,
    entry: 'projections/src/main.ts',
    env: { ...shared, PORT: String(ports.projectors[index]), PROJECTIONS: projection },
    url: local(ports.projectors[index]),
  }));
  const command = { name: 'command', entry: 'services/command/src/main.ts', env: { ...shared, PORT: String(ports.command) }, url: local(ports.command) };
  const relay = { name: 'relay', entry: 'services/relay/src/main.ts', env: { ...shared, PORT: String(ports.relay) }, url: local(ports.relay) };
  const gateway = {
    name: 'gateway',
    entry: 'gateway/src/main.ts',
    env: {
      ...shared,
      PORT: String(ports.gateway),
      OPS_PORT: String(ports.gatewayOps),
      COMMAND_SERVICE_URL: command.url,
      READY_DEPENDENCIES: [relay.url, ...projectors.map((p) => p.url)].join(','),
    },
    url: local(ports.gateway),
    opsUrl: local(ports.gatewayOps),
  };
  return [command, relay, ...projectors, gateway];
}

/** Loaded before each service's main module: arms tracing when OTEL_EXPORTER_OTLP_ENDPOINT (or TELEMETRY_SPANS_DIR) asks for it. */
const TELEMETRY = '@dreamcatcher/service-kit/telemetry';

/** `source`: run TypeScript through tsx (tests); `dist`: run the compiled build (npm start). */
export function commandLine(entry, mode) {
  if (mode === 'source') return [process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', '--import', TELEMETRY, entry]];
  return [process.execPath, ['--import', TELEMETRY, entry.replace('/src/', '/dist/').replace(/\.ts$/, '.js')]];
}

/**
 * Starts every process of `plan`. A process that exits while the system runs is
 * restarted after `restartDelayMs` (the services recover their place by themselves).
 * Returns handles to kill, stop and restart single services, and to stop everything.
 */
export function startSystem(plan, { mode = 'dist', stdio = 'inherit', restartDelayMs = 1_000, onExit, onOutput } = {}) {
  const running = new Map();
  let stopping = false;

  function launch(service) {
    const [command, args] = commandLine(service.entry, mode);
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...service.env },
      stdio: stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    if (stdio === 'pipe') {
      child.stdout.on('data', (chunk) => onOutput?.(service.name, chunk.toString()));
      child.stderr.on('data', (chunk) => onOutput?.(service.name, chunk.toString()));
    }
    const entry = { service, child, restart: true };
    running.set(service.name, entry);
    child.on('exit', (code, signal) => {
      onExit?.(service.name, code, signal);
      if (stopping || !entry.restart || running.get(service.name) !== entry) return;
      setTimeout(() => {
        if (!stopping && running.get(service.name) === entry) launch(service);
      }, restartDelayMs);
    });
    return entry;
  }

  async function stopEntry(entry, signal = 'SIGTERM', timeoutMs = 15_000) {
    entry.restart = false;
    if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    const exited = once(entry.child, 'exit');
    entry.child.kill(signal);
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  for (const service of plan) launch(service);

  return {
    plan,
    url: (name) => plan.find((service) => service.name === name)?.url,
    opsUrl: (name) => {
      const service = plan.find((candidate) => candidate.name === name);
      return service && (service.opsUrl ?? service.url);
    },
    pid: (name) => running.get(name)?.child.pid,
    /** Kills a service abruptly; it stays down until `start(name)`. */
    async kill(name, signal = 'SIGKILL') {
      const entry = running.get(name);
      if (entry) await stopEntry(entry, signal);
    },
    /** Starts a service that was killed or stopped. */
    start(name) {
      const service = plan.find((candidate) => candidate.name === name);
      if (!service) throw new Error(`no service ${name}`);
      launch(service);
    },
    async stop() {
      stopping = true;
      await Promise.all([...running.values()].map((entry) => stopEntry(entry)));
    },
  };
}

/** Resolves once `url` answers 200, or rejects after `timeoutMs`. */
export async function waitForReady(url, { timeoutMs = 60_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}
