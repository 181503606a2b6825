/**
 * Runs the fault schedule against the workload: each episode waits for its point in the
 * workload, injects its faults, and then waits until the system works end to end again (a
 * probe's capture is acknowledged and every projection has applied it), which is what its
 * time to recover measures: from the moment the fault's cause is gone (the killed process
 * started again, the connections closed, the backends terminated) to that point.
 */
import { sleep, type Pool } from '@dreamcatcher/service-kit';
import { PROJECTIONS } from '../../scripts/system.mjs';
import { requestJson } from './api-client.js';
import type { Injectors } from './injectors.js';
import { describeEpisode, faultsIn, type Episode } from './profile.js';
import { classifyAnswer, classifyError, retryDelayMs } from './retry-policy.js';
import type { CommandAnswerBody, LedgerEntry } from './workload.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface EpisodeRecord {
  label: string;
  faults: number;
  /** Commands the workload had sent when the episode began. */
  sentBefore: number;
  note: string;
  /** From the fault's cause being gone to the system working end to end. */
  recoveryMs: number;
}

/** Proves the system works end to end: a capture acknowledged and applied by every projection. */
export class RecoveryProbe {
  readonly entries: LedgerEntry[] = [];
  private count = 0;

  constructor(
    private readonly api: string,
    private readonly user: string,
    private readonly token: string,
    private readonly observer: Pool,
  ) {}

  /** Resolves once the system works end to end; tells how long the capture took to be acknowledged, and then to be applied everywhere. */
  async recovered(timeoutMs = 180_000): Promise<{ ackMs: number; appliedMs: number }> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const key = `probe-${this.user}-${++this.count}`;
    const body = { dreamTitle: `Probe ${this.count}`, fragment: { title: 'probe', content: 'Is everything back?', source: 'chatgpt' } };
    const request = { method: 'POST' as const, path: '/conversations/capture', body, key, commands: [{ key, type: 'CaptureFragment', creates: true }] };
    const entry: LedgerEntry = { key, type: 'CaptureFragment', creates: true, user: this.user, request, attempts: 0, errors: [] };
    this.entries.push(entry);
    while (!entry.answer) {
      if (Date.now() > deadline) throw new Error(`the system did not recover within ${timeoutMs} ms: ${entry.errors.slice(-3).join('; ')}`);
      entry.attempts += 1;
      let outcome;
      try {
        const answer = await requestJson({ method: 'POST', url: `${this.api}${request.path}`, token: this.token, body, headers: { 'idempotency-key': key } });
        outcome = classifyAnswer(answer.status, answer.body);
        if (outcome.kind === 'ack') entry.answer = { status: answer.status, body: answer.body as CommandAnswerBody };
      } catch (error) {
        outcome = classifyError(error);
      }
      if (outcome.kind === 'fatal') throw new Error(`the recovery probe got ${outcome.reason}`);
      if (outcome.kind === 'retry') {
        entry.errors.push(outcome.reason);
        await sleep(retryDelayMs(Math.min(entry.attempts, 4), Math.random));
      }
    }
    const acknowledged = Date.now();
    const position = BigInt(entry.answer.body.position);
    while (!(await this.allApplied(position))) {
      if (Date.now() > deadline) throw new Error(`projections did not reach position ${position} within ${timeoutMs} ms`);
      await sleep(100);
    }
    return { ackMs: acknowledged - started, appliedMs: Date.now() - acknowledged };
  }

  private async allApplied(position: bigint): Promise<boolean> {
    const { rows } = await this.observer.query<{ projection: string; position: string }>('SELECT projection, position::text FROM read_models.projection_checkpoints');
    return PROJECTIONS.every((name) => rows.some((row) => row.projection === name && BigInt(row.position) >= position));
  }
}

export class FaultSchedule {
  readonly records: EpisodeRecord[] = [];
  /** Services whose process changed although no episode killed them, and when that was seen. */
  readonly unexpectedRestarts: string[] = [];
  finished = false;
  private known = new Map<string, number | undefined>();

  constructor(
    private readonly injectors: Injectors,
    private readonly probe: RecoveryProbe,
    private readonly episodes: Episode[],
    /** Commands sent so far, and the workload's planned size: episodes spread over 5..85 % of it. */
    private readonly progress: () => number,
    private readonly planned: number,
    /** The process id of every service now. */
    private readonly pids: () => Map<string, number | undefined>,
    /** Told about each episode once the system has recovered from it. */
    private readonly onEpisode: (record: EpisodeRecord, index: number) => void = () => undefined,
  ) {}

  async run(): Promise<void> {
    this.known = this.pids();
    try {
      for (const [index, episode] of this.episodes.entries()) {
        const trigger = Math.floor(this.planned * (0.05 + (0.8 * index) / this.episodes.length));
        while (this.progress() < trigger) await sleep(100);
        this.checkProcesses('between episodes', []);
        const sentBefore = this.progress();
        const { note, causeGone } = await this.inject(episode);
        const restarted = Date.now();
        const { ackMs, appliedMs } = await this.probe.recovered();
        const label = describeEpisode(episode);
        this.checkProcesses(`during "${label}"`, episode.kind === 'kill' ? episode.targets : []);
        const phases = `back ${seconds(restarted - causeGone)}, a capture acknowledged ${seconds(ackMs)} later, applied everywhere ${seconds(appliedMs)} after that`;
        const record = { label, faults: faultsIn(episode), sentBefore, note: `${note}; ${phases}`, recoveryMs: Date.now() - causeGone };
        this.records.push(record);
        this.onEpisode(record, index);
      }
    } finally {
      this.finished = true;
    }
  }

  /** Notes every service, other than `killed`, whose process is not the one last seen; then remembers the current ones. */
  checkProcesses(when: string, killed: readonly string[]): void {
    const now = this.pids();
    for (const [name, pid] of now) {
      if (!killed.includes(name) && this.known.get(name) !== pid) this.unexpectedRestarts.push(`${name} ${when}`);
    }
    this.known = now;
  }

  private async inject(episode: Episode): Promise<{ note: string; causeGone: number }> {
    const { injectors } = this;
    switch (episode.kind) {
      case 'kill': {
        await injectors.kill(episode.targets);
        await sleep(episode.downMs);
        if (!episode.again) {
          const causeGone = Date.now();
          await injectors.start(episode.targets);
          return { note: `down ${episode.downMs} ms`, causeGone };
        }
        const projections = episode.targets.filter((name) => name.startsWith('projector-')).map((name) => name.slice('projector-'.length));
        const backlogs = await Promise.all(projections.map((name) => injectors.backlog(name)));
        await injectors.start(episode.targets);
        // Back and draining the backlog: die again in the middle of it.
        await sleep(Math.floor(Math.random() * 150));
        await injectors.kill(episode.targets);
        await sleep(500);
        const causeGone = Date.now();
        await injectors.start(episode.targets);
        return { note: `restarted into a backlog of ${backlogs.join('/')} message(s), killed again while draining it`, causeGone };
      }
      case 'broker-connections': {
        const closed = await injectors.closeBrokerConnections();
        return { note: `closed ${closed} connection(s)`, causeGone: Date.now() };
      }
      case 'pg-backends': {
        const terminated = await injectors.terminateBackends();
        return { note: `terminated ${terminated} backend(s)`, causeGone: Date.now() };
      }
      case 'broker-restart': {
        await injectors.restartBroker();
        return { note: 'stop_app, start_app', causeGone: Date.now() };
      }
    }
  }
}
