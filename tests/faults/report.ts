/** The fault suite's figures, as the text it prints. Pure. */
import type { EpisodeRecord } from './schedule.js';

export interface FaultFigures {
  profile: string;
  seed: number;
  clients: number;
  sent: number;
  acknowledged: number;
  reads: number;
  readFailures: number;
  /** Commands that needed more than one attempt, and the attempts beyond the first. */
  retriedCommands: number;
  retryAttempts: number;
  errors: Map<string, number>;
  episodes: EpisodeRecord[];
  eventsExpected: number;
  eventsStored: number;
  lost: number;
  duplicates: number;
  readModels: string;
  queues: string;
  replays: string;
  /** Services that died although no episode killed them. */
  unplannedRestarts: string[];
  /** From the last acknowledged command until every projection had applied the store's last event. */
  settleMs: number;
  durationMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

export function formatFigures(f: FaultFigures): string {
  const faults = f.episodes.reduce((sum, episode) => sum + episode.faults, 0);
  const recovery = f.episodes.map((episode) => episode.recoveryMs);
  const errors = [...f.errors.entries()].sort(([, a], [, b]) => b - a).map(([reason, count]) => `${reason} ×${count}`);
  const lines = [
    `fault suite — profile ${f.profile}, seed ${f.seed}, ${f.clients} concurrent clients`,
    ...table([
      ['commands sent', String(f.sent)],
      ['acknowledged (2xx)', String(f.acknowledged)],
      ['reads alongside', `${f.reads}, ${f.readFailures} answered with anything but 200, 404 or an outage`],
      ['retried', `${f.retriedCommands} command(s), ${f.retryAttempts} extra attempt(s)`],
      ['errors seen by clients', errors.length ? errors.join(', ') : 'none'],
      ['faults injected', `${faults} in ${f.episodes.length} episode(s)`],
      ['events in the store', `${f.eventsStored} (acknowledged answers name ${f.eventsExpected})`],
      ['events lost', String(f.lost)],
      ['duplicates', String(f.duplicates)],
      ['read models', f.readModels],
      ['queues', f.queues],
      ['idempotent retries', f.replays],
      ['unplanned restarts', f.unplannedRestarts.length ? f.unplannedRestarts.join('; ') : 'none'],
      ['time to recover', `median ${seconds(median(recovery))}, max ${seconds(Math.max(0, ...recovery))} per episode; settled ${seconds(f.settleMs)} after the last command`],
      ['duration', `${seconds(f.durationMs)} (${Math.round(f.acknowledged / (f.durationMs / 1000))} commands/s under faults)`],
    ]).map((line) => `  ${line}`),
    '  episodes:',
    ...table([
      ['#', 'at command', 'fault', 'recovered in', 'what happened'],
      ...f.episodes.map((episode, index) => [String(index + 1), String(episode.sentBefore), episode.label, seconds(episode.recoveryMs), episode.note]),
    ]).map((line) => `    ${line}`),
  ];
  return lines.join('\n');
}
