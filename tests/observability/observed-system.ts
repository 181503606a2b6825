/**
 * One whole system for the observability specs, started once (it is slow to start) and
 * stopped after the last spec of the run: every process traced into a spans folder, debug
 * logs (the relay and projectors log each event at debug level), and a one-second lag
 * threshold on the projectors' /ready so that a paused projection shows as behind quickly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSystem, type TestSystem } from '../support/system.js';

export interface ObservedSystem extends TestSystem {
  /** Where every process writes its finished spans (TELEMETRY_SPANS_DIR). */
  spansDir: string;
}

let started: Promise<ObservedSystem> | undefined;
let spansDir: string | undefined;

export function observedSystem(): Promise<ObservedSystem> {
  started ??= (async () => {
    spansDir = mkdtempSync(join(tmpdir(), 'dc-spans-'));
    const env = { TELEMETRY_SPANS_DIR: spansDir, LOG_LEVEL: 'debug', PROJECTOR_READY_MAX_LAG_SECONDS: '1' };
    // Nine traced processes start slower than untraced ones.
    const system = await startTestSystem({ env, readyTimeoutMs: 170_000 });
    return { ...system, spansDir };
  })();
  return started;
}

/** The base URL of a service's /ready and /metrics (the gateway's ops port; every other service's own). */
export function serviceUrl(system: TestSystem, name: string): string {
  const url = system.running.opsUrl(name);
  if (!url) throw new Error(`no service ${name}`);
  return url;
}

// A root-level hook (this module is loaded while mocha reads the spec files): runs once, at the very end.
after(async function () {
  this.timeout(60_000);
  if (started) await (await started.catch(() => undefined))?.stop();
  if (spansDir) rmSync(spansDir, { recursive: true, force: true });
});
