import { randomUUID } from 'node:crypto';
import { startTestSystem } from '../support/system.js';
import { captureBody } from './events.js';
import { readFileSync } from 'node:fs';
const cpuMs = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
import { restartProfiles, SERVICE_NODE_OPTIONS } from './processes.js';
import { HttpClient } from './http-client.js';
import { closedLoop, percentile } from './measure.js';
const system = await startTestSystem({ env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', NODE_OPTIONS: SERVICE_NODE_OPTIONS } });
try {
  const token = await system.token('probe-user');
  const client = new HttpClient(system.gatewayUrl, 32);
  let dreamId: string | undefined;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    const a = await client.json<any>('POST', '/api/v1/conversations/capture', [200, 201], { headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, body: captureBody(i, i % 10 ? dreamId : undefined) });
    dreamId = a.dreamId;
    console.log('sequential capture', (performance.now() - t).toFixed(1), 'ms');
  }
  restartProfiles(system.running.plan.map((s) => system.running.pid(s.name)));
  for (const c of [32]) {
    const tokens = await Promise.all(Array.from({ length: c }, (_, n) => system.token(`probe-${c}-${n}`)));
    const dreams: (string|undefined)[] = [];
    const r = await closedLoop(c, { warmupMs: 1000, windowMs: Number(process.env.PROBE_MS ?? 4000) }, async (w, n) => {
      const a = await client.json<any>('POST', '/api/v1/conversations/capture', [200, 201], { headers: { authorization: `Bearer ${tokens[w]}`, 'idempotency-key': randomUUID() }, body: captureBody(n, n % 10 ? dreams[w] : undefined) });
      dreams[w] = a.dreamId;
    });
    console.log(`c=${c}: ${r.rate.toFixed(0)}/s p50 ${percentile(r.latencies, 50).toFixed(1)} p99 ${percentile(r.latencies, 99).toFixed(1)}`);
  }
  client.close();
  const cmd = new HttpClient(system.running.url('command')!, 32);
  for (const [label, withKey] of [['command direct, key', true], ['command direct, no key', false]] as const) {
    const dreams: (string|undefined)[] = [];
    const pid = system.running.pid('command')!; const c0 = cpuMs(pid); let done = 0;
    const r = await closedLoop(32, { warmupMs: 1000, windowMs: 5000 }, async (w, n) => {
      done++;
      const a = await cmd.json<any>('POST', '/commands/CaptureFragment', [200, 201], { headers: { authorization: 'Bearer dev-command-token-change-me' }, body: { data: captureBody(n, n % 10 ? dreams[w] : undefined), metadata: { userId: `direct-${label.length}-${w}`, roles: ['user'], correlationId: randomUUID() }, ...(withKey ? { idempotencyKey: randomUUID() } : {}) } });
      dreams[w] = a.dreamId;
    });
    console.log('command CPU ms per command', ((cpuMs(pid) - c0) / done).toFixed(1), 'commands', done);
    console.log(`${label}: ${r.rate.toFixed(0)}/s p50 ${percentile(r.latencies, 50).toFixed(1)} p99 ${percentile(r.latencies, 99).toFixed(1)}`);
  }
  cmd.close();
} finally { await system.stop(); }
