/**
 * The steady capture workload: concurrent clients, each its own user, sending commands as
 * fast as answers come back. A command that fails is parked and retried later with its
 * Idempotency-Key (the client moves on meanwhile, as the extension's queue does), until it
 * is acknowledged. Every command, every attempt and every first 2xx answer is kept in the
 * ledger the invariant checks read.
 */
import { sleep } from '@dreamcatcher/service-kit';
import { requestJson, signToken } from './api-client.js';
import { seededRandom } from '../support/random.js';
import { CommandPlanner, type PlannedCommand, type PlannedRequest } from './commands.js';
import { classifyAnswer, classifyError, retryDelayMs, type Outcome } from './retry-policy.js';

/** A command's answer as the command service gives it. */
export interface CommandAnswerBody {
  dreamId: string;
  revision: string;
  position: string;
  events: { eventId: string; type: string; revision: string; position: string }[];
}

export interface LedgerEntry extends PlannedCommand {
  user: string;
  request: PlannedRequest;
  attempts: number;
  /** Why each failed attempt failed. */
  errors: string[];
  /** The first 2xx answer. */
  answer?: { status: number; body: CommandAnswerBody };
  fatal?: string;
}

export interface WorkloadOptions {
  api: string;
  clients: number;
  seed: number;
  /** A run id, so that users and keys never clash with another run on the same system. */
  runId: string;
  /** Give up on a command (a failure of the suite) after retrying it this long. */
  giveUpMs?: number;
  /** New commands per second, all clients together. */
  rate: number;
}

/** One item of a sync session's answer. */
export interface SessionItem {
  idempotencyKey: string;
  status: number;
  replayed?: boolean;
  answer?: unknown;
  error?: unknown;
}

export function sessionItemAnswer(item: SessionItem): unknown {
  return item.answer;
}

interface Client {
  user: string;
  token: string;
  planner: CommandPlanner;
  dreams: string[];
  parked: { request: PlannedRequest; notBefore: number }[];
}

/** Every this many commands a client reads one of its dreams back, as the hub does. */
const READ_EVERY = 8;

export class Workload {
  readonly ledger = new Map<string, LedgerEntry>();
  readonly errorCounts = new Map<string, number>();
  /** Reads sent, and reads answered with something no outage explains (a 500, a 4xx other than 404). */
  reads = 0;
  readonly readFailures: string[] = [];
  private readonly random: () => number;
  private clients: Client[] = [];
  private minimum = 0;
  private keepGoing: () => boolean = () => false;
  sent = 0;
  acknowledged = 0;
  /** When the next new command may leave (the pace is shared by all clients). */
  private nextSlot = 0;
  /** When each command first failed, for giving up on it. */
  private readonly started = new Map<string, number>();

  constructor(private readonly options: WorkloadOptions) {
    this.random = seededRandom(options.seed);
  }

  /** Runs until at least `minimum` commands were sent and `keepGoing()` is false, then until every command is settled. */
  async run(minimum: number, keepGoing: () => boolean): Promise<void> {
    this.minimum = minimum;
    this.keepGoing = keepGoing;
    this.clients = await Promise.all(
      Array.from({ length: this.options.clients }, async (_, index) => {
        const user = `faults-${this.options.runId}-${index}`;
        return { user, token: await signToken(user), planner: new CommandPlanner(`${this.options.runId}-c${index}`, seededRandom(this.options.seed + index)), dreams: [], parked: [] };
      }),
    );
    await Promise.all(this.clients.map((client) => this.runClient(client)));
  }

  tokenOf(user: string): string {
    const client = this.clients.find((candidate) => candidate.user === user);
    if (!client) throw new Error(`no client ${user}`);
    return client.token;
  }

  private wantsMore(): boolean {
    return this.sent < this.minimum || this.keepGoing();
  }

  private async runClient(client: Client): Promise<void> {
    for (;;) {
      const now = Date.now();
      const due = client.parked.findIndex((parked) => parked.notBefore <= now);
      if (due >= 0) {
        const [parked] = client.parked.splice(due, 1);
        await this.attempt(client, parked!.request);
      } else if (this.wantsMore()) {
        if (client.dreams.length && this.sent % READ_EVERY === 0) await this.read(client);
        const request = client.planner.next(client.dreams);
        const slot = Math.max(Date.now(), this.nextSlot);
        this.nextSlot = slot + (1000 * request.commands.length) / this.options.rate;
        if (slot > Date.now()) await sleep(slot - Date.now());
        for (const command of request.commands) this.ledger.set(command.key, { ...command, user: client.user, request, attempts: 0, errors: [] });
        this.sent += request.commands.length;
        await this.attempt(client, request);
      } else if (client.parked.length) {
        await sleep(Math.max(10, Math.min(...client.parked.map((parked) => parked.notBefore)) - now));
      } else {
        return;
      }
    }
  }

  /**
   * Reads one of the client's dreams. Not retried: during a fault a read may fail as an
   * outage (502, 503, no answer) or find the projection behind (404), nothing else.
   */
  private async read(client: Client): Promise<void> {
    const dreamId = client.dreams[Math.floor(this.random() * client.dreams.length)]!;
    this.reads += 1;
    try {
      const answer = await requestJson({ method: 'GET', url: `${this.options.api}/dreams/${dreamId}`, token: client.token });
      if (answer.status === 200 || answer.status === 404) return;
      const outcome = classifyAnswer(answer.status, answer.body);
      if (outcome.kind === 'retry') this.errorCounts.set(`read ${outcome.reason}`, (this.errorCounts.get(`read ${outcome.reason}`) ?? 0) + 1);
      else this.readFailures.push(`GET /dreams/${dreamId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    } catch (error) {
      const reason = `read ${(classifyError(error) as { reason: string }).reason}`;
      this.errorCounts.set(reason, (this.errorCounts.get(reason) ?? 0) + 1);
    }
  }

  private async attempt(client: Client, request: PlannedRequest): Promise<void> {
    const entries = request.commands.map((command) => this.ledger.get(command.key)!).filter((entry) => !entry.answer && !entry.fatal);
    for (const entry of entries) entry.attempts += 1;
    let outcomes: Outcome[];
    try {
      const answer = await requestJson({
        method: request.method,
        url: `${this.options.api}${request.path}`,
        token: client.token,
        body: request.body,
        ...(request.key && { headers: { 'idempotency-key': request.key } }),
      });
      outcomes = request.key ? [this.settle(client, entries[0]!, answer.status, answer.body)] : this.settleSession(client, entries, answer.status, answer.body);
    } catch (error) {
      outcomes = entries.map(() => classifyError(error));
      entries.forEach((entry, index) => this.failed(entry, outcomes[index]!));
    }
    const retry = outcomes.filter((outcome) => outcome.kind === 'retry');
    if (!retry.length) return;
    const first = entries.find((entry) => !entry.answer && !entry.fatal);
    if (!first) return;
    if (first.attempts > 1 && Date.now() - this.firstTried(first) > (this.options.giveUpMs ?? 180_000)) {
      for (const entry of entries) if (!entry.answer) entry.fatal = `gave up after ${entry.attempts} attempts: ${entry.errors.at(-1)}`;
      return;
    }
    client.parked.push({ request, notBefore: Date.now() + retryDelayMs(first.attempts, this.random) });
  }

  private firstTried(entry: LedgerEntry): number {
    if (!this.started.has(entry.key)) this.started.set(entry.key, Date.now());
    return this.started.get(entry.key)!;
  }

  private failed(entry: LedgerEntry, outcome: Outcome): void {
    if (outcome.kind === 'ack') return;
    this.firstTried(entry);
    entry.errors.push(outcome.reason);
    this.errorCounts.set(outcome.reason, (this.errorCounts.get(outcome.reason) ?? 0) + 1);
    if (outcome.kind === 'fatal') entry.fatal = outcome.reason;
  }

  private settle(client: Client, entry: LedgerEntry, status: number, body: unknown): Outcome {
    const outcome = classifyAnswer(status, body);
    if (outcome.kind !== 'ack') {
      this.failed(entry, outcome);
      return outcome;
    }
    entry.answer = { status, body: body as CommandAnswerBody };
    this.acknowledged += 1;
    if (entry.creates) client.dreams.push(entry.answer.body.dreamId);
    return outcome;
  }

  private settleSession(client: Client, entries: LedgerEntry[], status: number, body: unknown): Outcome[] {
    const whole = classifyAnswer(status, body);
    if (whole.kind !== 'ack') {
      for (const entry of entries) this.failed(entry, whole);
      return entries.map(() => whole);
    }
    const items = (body as { items: SessionItem[] }).items;
    return entries.map((entry) => {
      const item = items.find((candidate) => candidate.idempotencyKey === entry.key);
      if (!item) {
        const missing: Outcome = { kind: 'fatal', reason: 'sync session answer lacks the item' };
        this.failed(entry, missing);
        return missing;
      }
      return this.settle(client, entry, item.status, item.status < 300 ? sessionItemAnswer(item) : { error: item.error });
    });
  }
}
