/**
 * The fault suite: the whole system (real processes, real PostgreSQL and RabbitMQ) under a
 * steady capture workload from concurrent clients, while a schedule SIGKILLs and restarts
 * the relay, every projector (also mid-batch), the command service and the gateway, closes
 * the broker connections of the system's vhost and terminates its database backends.
 * Afterwards every acknowledged command is in the store exactly once, every read model
 * equals a rebuild, no message is left in a queue, and retries with the same keys change
 * nothing.
 *
 * Profiles (`FAULTS_PROFILE`): `ci` (default, what `npm test` runs: 1,500 commands, 7
 * episodes) and `full` (`npm run test:faults`: 10,000 commands, 20 episodes). `--broker-restart`
 * (or `FAULTS_BROKER_RESTART=1`) adds real broker restarts, which disturb everyone on the
 * broker and are therefore off by default. `FAULTS_SEED` repeats a run's workload.
 */
import { expect } from 'chai';
import { connectPostgres, databaseName, type Pool } from '@dreamcatcher/service-kit';
import { PROJECTIONS } from '../../scripts/system.mjs';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { signToken } from './api-client.js';
import { Injectors, OBSERVER_APPLICATION } from './injectors.js';
import { checkQueues, checkStore, replayCommands, settle, verifyReadModels, type QueueState, type StoreCheck, type VerifyOutcome } from './invariants.js';
import { faultProfile } from './profile.js';
import { formatFigures } from './report.js';
import { FaultSchedule, RecoveryProbe, type EpisodeRecord } from './schedule.js';
import { Workload, type LedgerEntry } from './workload.js';

const profile = faultProfile(process.env.FAULTS_PROFILE, {
  brokerRestart: process.argv.includes('--broker-restart') || process.env.FAULTS_BROKER_RESTART === '1',
});
const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 1e6));

/** Up to `count` entries, spread evenly over `entries`. */
function spread<T>(entries: T[], count: number): T[] {
  const step = Math.max(1, Math.floor(entries.length / count));
  return entries.filter((_, index) => index % step === 0).slice(0, count);
}

describe(`faults: the whole system under load while its parts fail (profile ${profile.name})`, function () {
  this.timeout(profile.name === 'full' ? 1_800_000 : 600_000);
  let system: TestSystem;
  let observer: Pool;

  before(async function () {
    this.timeout(180_000);
    // Warnings and errors only: ten processes logging every request would eat the cores the workload needs.
    system = await startTestSystem({ env: { LOG_LEVEL: 'warn' } });
    observer = await connectPostgres({ url: system.databaseUrl, applicationName: OBSERVER_APPLICATION, max: 4 });
  });

  after(async function () {
    this.timeout(60_000);
    await observer?.end();
    await system?.stop();
  });

  it('acknowledges every command exactly once, and every read model, queue and retry ends consistent', async function () {
    const started = Date.now();
    const runId = `${seed}${Date.now().toString(36).slice(-4)}`;
    const workload = new Workload({ api: system.api, clients: profile.clients, rate: profile.rate, seed, runId });
    const probeUser = `faults-${runId}-probe`;
    const probe = new RecoveryProbe(system.api, probeUser, await signToken(probeUser), observer);
    const pids = () => new Map(system.running.plan.map((service) => [service.name, system.running.pid(service.name)]));
    const injectors = new Injectors(system, observer, databaseName(system.databaseUrl));
    const progress = (record: EpisodeRecord, index: number) =>
      console.log(`      [${((Date.now() - started) / 1000).toFixed(0)} s] ${index + 1}/${profile.episodes.length} ${record.label}: recovered in ${(record.recoveryMs / 1000).toFixed(1)} s (${workload.acknowledged}/${workload.sent} acknowledged)`);
    const schedule = new FaultSchedule(injectors, probe, profile.episodes, () => workload.sent, profile.commands, pids, progress);
    const [scheduled] = await Promise.allSettled([schedule.run(), workload.run(profile.commands, () => !schedule.finished)]);
    const lastCommandAt = Date.now();
    if (scheduled.status === 'rejected') throw scheduled.reason;

    const settleMs = await settle(observer, PROJECTIONS);
    const entries: LedgerEntry[] = [...workload.ledger.values(), ...probe.entries];
    const store: StoreCheck = await checkStore(observer, entries);
    const verify: VerifyOutcome = await verifyReadModels(system.running.plan.find((service) => service.name === 'relay')!.env);
    const queues: QueueState[] = await checkQueues(system.vhost);

    // Clients that got an error retry with their key (and a sample of the others too): same answer, nothing written.
    const acknowledged = [...workload.ledger.values()].filter((entry) => entry.answer);
    const errored = acknowledged.filter((entry) => entry.errors.length > 0);
    const sample = [...errored, ...spread(acknowledged.filter((entry) => entry.errors.length === 0), 100)];
    const replays = await replayCommands(system.api, sample, (user) => workload.tokenOf(user));
    const afterReplays = await checkStore(observer, entries);

    const fatal = [...workload.ledger.values()].filter((entry) => entry.fatal);
    schedule.checkProcesses('after the last episode', []);

    console.log(
      `\n${formatFigures({
        profile: `${profile.name} (${profile.rate} new commands/s asked)`,
        seed,
        clients: profile.clients,
        sent: workload.sent,
        acknowledged: workload.acknowledged,
        reads: workload.reads,
        readFailures: workload.readFailures.length,
        retriedCommands: errored.length,
        retryAttempts: acknowledged.reduce((sum, entry) => sum + entry.attempts - 1, 0),
        errors: workload.errorCounts,
        episodes: schedule.records,
        eventsExpected: store.expected,
        eventsStored: store.stored,
        lost: store.lost.length,
        duplicates: store.duplicates.length,
        readModels: verify.identical ? `identical to a rebuild from the store (${verify.projections} projections)` : 'DIFFERENT from a rebuild',
        queues: queues.length ? queues.map((queue) => `${queue.name}: ${queue.ready} ready, ${queue.unacked} unacked`).join('; ') : 'every projection queue drained and acknowledged, every dead-letter queue empty',
        replays: `${replays.replayed} retried with their keys (${errored.length} that had failed, ${replays.replayed - errored.length} sampled): ${replays.mismatches.length} answered differently, ${afterReplays.stored - store.stored} event(s) written`,
        unplannedRestarts: schedule.unexpectedRestarts,
        settleMs,
        durationMs: lastCommandAt - started,
      })}\n`,
    );

    for (const name of new Set(schedule.unexpectedRestarts.map((entry) => entry.split(' ')[0]!))) {
      console.log(`  last lines of ${name}:\n${(system.logs.get(name) ?? []).slice(-25).join('\n')}`);
    }
    expect(fatal.map((entry) => `${entry.key} (${entry.type}): ${entry.fatal}; errors ${entry.errors.join(', ')}`), 'commands that could not be completed').to.deep.equal([]);
    expect(workload.acknowledged, 'acknowledged commands').to.equal(workload.sent);
    expect(workload.readFailures, 'reads answered with neither data nor an outage').to.deep.equal([]);
    expect(schedule.records, 'episodes run').to.have.length(profile.episodes.length);
    expect(store.lost, 'acknowledged events missing from the store').to.deep.equal([]);
    expect(store.duplicates, 'events stored twice or not named by any acknowledged answer').to.deep.equal([]);
    expect(verify.identical, `rebuild --verify:\n${verify.output}`).to.equal(true);
    expect(queues, 'queues still holding messages').to.deep.equal([]);
    expect(replays.mismatches, 'retries that answered differently').to.deep.equal([]);
    expect(afterReplays.stored, 'events written by retries').to.equal(store.stored);
    // A service that died of a fault it was not killed by (a lost connection, say) was saved only by its supervisor.
    expect(schedule.unexpectedRestarts, 'services that died although no fault killed them').to.deep.equal([]);
  });
});
