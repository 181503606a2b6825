/**
 * How hard the fault suite pushes: the workload's size and concurrency, and the fault
 * schedule, as plain data. `ci` is the short profile `npm test` runs; `full` is what
 * `npm run test:faults` runs. Pure: the environment is read by the spec and passed in.
 */
import { PROJECTIONS } from '../../scripts/system.mjs';

/** One step of the fault schedule. Services are named as in `planSystem` (`relay`, `projector-<name>`, ...). */
export type Episode =
  /**
   * SIGKILL the targets together, leave them down `downMs`, start them again. With `again`,
   * each is killed a second time as soon as it is back and draining the backlog that built
   * up while it was down (so it dies mid-batch), and started once more.
   */
  | { kind: 'kill'; targets: string[]; downMs: number; again?: boolean }
  /** Force-close every broker connection of the system's vhost (what a broker failover does to clients). */
  | { kind: 'broker-connections' }
  /** `pg_terminate_backend` on every backend of the system's database. */
  | { kind: 'pg-backends' }
  /** `rabbitmqctl stop_app && start_app`: a real broker restart. Opt-in: it disturbs everyone on the broker. */
  | { kind: 'broker-restart' };

export interface FaultProfile {
  name: 'ci' | 'full';
  /** Commands the workload sends at least; it keeps going until the schedule has run, so every fault lands under load. */
  commands: number;
  /** Concurrent clients, each its own user. */
  clients: number;
  /**
   * New commands per second, all clients together: a steady load below what the machine can
   * take, so that restarted processes are not starved of CPU (retries are not paced).
   */
  rate: number;
  episodes: Episode[];
}

export interface ProfileOptions {
  /** Adds broker restarts to the schedule. */
  brokerRestart?: boolean;
}

const projector = (name: string) => `projector-${name}`;
const PROJECTORS = PROJECTIONS.map(projector);

const kill = (targets: string[], downMs: number, again = false): Episode => ({ kind: 'kill', targets, downMs, ...(again && { again }) });

function fullEpisodes(): Episode[] {
  // Every projector dies three times: twice in its own episode (the second time mid-batch),
  // once with all the others. Other faults are spread between them.
  const [summary, detail, sync, activity, search, catalogue] = PROJECTORS as [string, string, string, string, string, string];
  return [
    kill(['relay'], 1_500),
    kill([summary], 3_000, true),
    { kind: 'pg-backends' },
    kill([detail], 3_000, true),
    kill(['command'], 1_000),
    kill([sync], 3_000, true),
    { kind: 'broker-connections' },
    kill([activity], 3_000, true),
    kill(['gateway'], 1_000),
    kill([search], 3_000, true),
    kill(['relay'], 1_500),
    kill([catalogue], 3_000, true),
    { kind: 'pg-backends' },
    kill(PROJECTORS, 2_000),
    kill(['command'], 1_000),
    { kind: 'broker-connections' },
    kill(['gateway'], 1_000),
    kill(['relay'], 1_500),
    { kind: 'pg-backends' },
    { kind: 'broker-connections' },
  ];
}

/** Every kind of fault once, with fewer restarts (each costs a process start on a busy CI machine). */
function ciEpisodes(): Episode[] {
  const [summary, detail, sync, , , catalogue] = PROJECTORS as [string, string, string, string, string, string];
  return [
    kill(['relay'], 1_000),
    kill([summary, detail], 2_000, true),
    { kind: 'pg-backends' },
    kill(['command'], 500),
    kill([sync, catalogue], 1_000),
    { kind: 'broker-connections' },
    kill(['gateway'], 500),
  ];
}

/** The profile called `name`; `ci` unless `full` is asked for. */
export function faultProfile(name: string | undefined, options: ProfileOptions = {}): FaultProfile {
  const full = name === 'full';
  const episodes = full ? fullEpisodes() : ciEpisodes();
  if (options.brokerRestart) {
    // After the first third and the second: the system must ride out the broker vanishing outright.
    episodes.splice(Math.floor((episodes.length * 2) / 3), 0, { kind: 'broker-restart' });
    episodes.splice(Math.floor(episodes.length / 3), 0, { kind: 'broker-restart' });
  }
  return full ? { name: 'full', commands: 10_000, clients: 16, rate: 50, episodes } : { name: 'ci', commands: 1_500, clients: 8, rate: 30, episodes };
}

/** How many single faults an episode injects (a kill of three services twice is six). */
export function faultsIn(episode: Episode): number {
  return episode.kind === 'kill' ? episode.targets.length * (episode.again ? 2 : 1) : 1;
}

/** Short human name of an episode, for the report. */
export function describeEpisode(episode: Episode): string {
  if (episode.kind !== 'kill') return episode.kind;
  const names = episode.targets.length === PROJECTORS.length && episode.targets.every((t) => PROJECTORS.includes(t)) ? ['every projector'] : episode.targets;
  return `kill ${names.join(', ')}${episode.again ? ' (twice, again mid-batch)' : ''}`;
}
