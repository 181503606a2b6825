/**
 * Sending the capture workload, either as fast as answers come back (to find the maximum
 * rate) or at a fixed rate (to hold a load): requests leave on schedule whether or not
 * earlier ones have been answered, up to a bound of requests in flight, as traffic from many
 * independent extensions would.
 */
import { sleep } from '@dreamcatcher/service-kit';
import { requestJson, signToken } from '../faults/api-client.js';
import { CommandPlanner, type PlannedRequest } from '../faults/commands.js';
import { seededRandom } from '../support/random.js';

interface User {
  token: string;
  planner: CommandPlanner;
  dreams: string[];
}

export interface SendStats {
  requests: number;
  commands: number;
  acknowledged: number;
  /** Answers other than 2xx, and requests with no answer, by reason. */
  errors: Map<string, number>;
  latenciesMs: number[];
  /** Highest store position acknowledged so far. */
  lastPosition: bigint;
  /** Ticks skipped because too many requests were already in flight (the system fell behind). */
  skipped: number;
}

export class Sender {
  readonly stats: SendStats = { requests: 0, commands: 0, acknowledged: 0, errors: new Map(), latenciesMs: [], lastPosition: 0n, skipped: 0 };
  private users: User[] = [];
  private next = 0;
  private inFlight = 0;

  private constructor(private readonly api: string) {}

  /** The users' tokens, for clients beside the workload (live consumers). */
  get tokens(): string[] {
    return this.users.map((user) => user.token);
  }

  static async create(api: string, users: number, runId: string, seed: number): Promise<Sender> {
    const sender = new Sender(api);
    sender.users = await Promise.all(
      Array.from({ length: users }, async (_, index) => ({ token: await signToken(`load-${runId}-${index}`), planner: new CommandPlanner(`load-${runId}-${index}`, seededRandom(seed + index)), dreams: [] })),
    );
    return sender;
  }

  /** Sends the next user's next request and records its answer. */
  async sendOne(): Promise<void> {
    const user = this.users[this.next++ % this.users.length]!;
    const request: PlannedRequest = user.planner.next(user.dreams);
    this.stats.requests += 1;
    this.stats.commands += request.commands.length;
    this.inFlight += 1;
    const started = performance.now();
    try {
      const answer = await requestJson({ method: request.method, url: `${this.api}${request.path}`, token: user.token, body: request.body, ...(request.key && { headers: { 'idempotency-key': request.key } }) });
      this.stats.latenciesMs.push(performance.now() - started);
      const results: { status: number; body: { dreamId?: string; position?: string } }[] = request.key
        ? [{ status: answer.status, body: answer.body }]
        : answer.status === 200
          ? answer.body.items.map((item: { status: number; answer?: unknown }) => ({ status: item.status, body: item.answer ?? {} }))
          : request.commands.map(() => ({ status: answer.status, body: answer.body }));
      results.forEach((result, index) => {
        if (result.status >= 200 && result.status < 300) {
          this.stats.acknowledged += 1;
          if (request.commands[index]!.creates && result.body.dreamId) user.dreams.push(result.body.dreamId);
          if (result.body.position && BigInt(result.body.position) > this.stats.lastPosition) this.stats.lastPosition = BigInt(result.body.position);
        } else {
          this.error(`${result.status}`);
        }
      });
    } catch (error) {
      this.error(`no answer: ${(error as Error).message}`);
    } finally {
      this.inFlight -= 1;
    }
  }

  private error(reason: string): void {
    this.stats.errors.set(reason, (this.stats.errors.get(reason) ?? 0) + 1);
  }

  /** Closed loop: `clients` loops sending one request after another for `seconds`. */
  async flatOut(clients: number, seconds: number): Promise<void> {
    const end = Date.now() + seconds * 1000;
    await Promise.all(Array.from({ length: clients }, async () => {
      while (Date.now() < end) await this.sendOne();
    }));
  }

  /** Open loop: requests at `perSecond` for `seconds`, at most `maxInFlight` at once; `onTick` every second. */
  async hold(perSecond: number, seconds: number, maxInFlight: number, onTick: (elapsedSeconds: number) => void): Promise<void> {
    const started = Date.now();
    const interval = 1000 / perSecond;
    const pending = new Set<Promise<void>>();
    let lastTick = 0;
    for (let index = 0; ; index++) {
      const due = started + index * interval;
      if (due > started + seconds * 1000) break;
      if (due > Date.now()) await sleep(due - Date.now());
      if (this.inFlight >= maxInFlight) {
        this.stats.skipped += 1;
      } else {
        const sent = this.sendOne().finally(() => pending.delete(sent));
        pending.add(sent);
      }
      const elapsed = Math.floor((Date.now() - started) / 1000);
      if (elapsed > lastTick) {
        lastTick = elapsed;
        onTick(elapsed);
      }
    }
    await Promise.all(pending);
  }
}
