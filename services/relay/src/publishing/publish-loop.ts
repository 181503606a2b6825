/**
 * What a leader does for its whole term: publish from the checkpoint through a confirm
 * pipeline; on any failure (nack, return, channel or connection loss, store error) tear
 * everything down, wait with backoff, and start again from the checkpoint. A broker that
 * is away simply makes the next attempt wait for the reconnection.
 *
 * Order per stream: one relay publishes, on one channel, in the store's global order, and
 * RabbitMQ keeps a channel's order into every queue, so each queue receives each dream's
 * events in revision order. A restart republishes from the checkpoint in the same order:
 * consumers can see an event again (and everything after it), never a later one first.
 */
import {
  type AmqpClient,
  backoffDelay,
  type ConfirmChannel,
  type Logger,
  type PartitionCounts,
  sleep,
} from '@dreamcatcher/service-kit';
import type { EventStore } from '@dreamcatcher/event-store';
import { CheckpointWriter } from '../checkpoint/checkpoint-writer.js';
import { readCheckpoint, saveCheckpoint } from '../checkpoint/checkpoints.js';
import type { LeaderTerm } from '../leadership/leader-lock.js';
import type { RelayMetrics } from '../metrics.js';
import { declareTopology } from '../topology/declare.js';
import { ConfirmPipeline } from './confirm-pipeline.js';
import { TransformError } from './transform.js';
import { messagesFor, type VersionPolicy } from './versions.js';

export interface PublishLoopOptions {
  name: string;
  store: EventStore;
  amqp: AmqpClient;
  logger: Logger;
  metrics: RelayMetrics;
  maxInFlight: number;
  projections: readonly string[];
  partitions: PartitionCounts;
  /** Aborts when the relay is asked to stop (not when it loses its lock): then in-flight confirms are awaited. */
  stopping: AbortSignal;
  /** Progress reports, read by readiness and metrics. */
  onPipeline: (pipeline: ConfirmPipeline | undefined) => void;
  onConfirmedThrough: (position: bigint, occurredAt: string) => void;
  /** Whether previous versions of an event are published too (the deprecation window). */
  versions?: VersionPolicy;
}

/** How long a requested stop waits for the broker to confirm what is already published. */
const DRAIN_TIMEOUT_MS = 3_000;

interface Outcome {
  reason: string;
  error?: Error | undefined;
  progressed: boolean;
}

export class PublishLoop {
  private attempt: AbortController | undefined;

  constructor(private readonly options: PublishLoopOptions) {}

  /** Aborts the current attempt (the broker connection dropped); the loop starts another. */
  interrupt(reason: Error): void {
    this.attempt?.abort(reason);
  }

  async run(term: LeaderTerm): Promise<void> {
    const { logger, metrics } = this.options;
    let failures = 0;
    let redeclare = false;
    while (!term.signal.aborted) {
      const outcome: Outcome = await this.publishOnce(term, redeclare).catch((error: Error): Outcome => ({ reason: 'error', error, progressed: false }));
      if (term.signal.aborted) break;
      metrics.retried.inc({ reason: outcome.reason });
      // A returned message means a queue or binding went missing: declare them again.
      redeclare = outcome.reason === 'returned';
      if (outcome.progressed) failures = 0;
      const delayMs = backoffDelay(failures++, 100, 5_000);
      // An event that cannot be transformed stops the relay on it (never skipped): that needs a person.
      const log = outcome.error instanceof TransformError || outcome.error?.cause instanceof TransformError ? logger.error : logger.warn;
      log('publishing interrupted; restarting from the checkpoint', { reason: outcome.reason, error: outcome.error?.message, delayMs });
      await sleep(delayMs, term.signal);
    }
  }

  private async publishOnce(term: LeaderTerm, redeclare: boolean): Promise<Outcome> {
    const { name, store, logger, metrics } = this.options;
    const attempt = new AbortController();
    this.attempt = attempt;
    const signal = AbortSignal.any([term.signal, attempt.signal]);
    let channel: ConfirmChannel | undefined;
    let writer: CheckpointWriter | undefined;
    let progressed = false;
    try {
      channel = await openChannel(this.options.amqp, signal);
      if (!channel) return { reason: 'stopped', progressed };
      channel.on('error', (error: Error) => logger.warn('relay channel error', { error: error.message }));
      if (redeclare) await declareTopology(channel, this.options.projections, this.options.partitions);
      const checkpoint = await readCheckpoint(term.client, name);
      writer = new CheckpointWriter((position) => saveCheckpoint(term.client, name, position), { logger, onError: (error) => attempt.abort(error) }, checkpoint);
      const pipeline = new ConfirmPipeline(channel, {
        maxInFlight: this.options.maxInFlight,
        onPublished: () => metrics.published.inc(),
        onConfirmed: () => metrics.confirmed.inc(),
        onAdvance: (position, occurredAt) => {
          progressed = true;
          writer!.advance(position);
          this.options.onConfirmedThrough(position, occurredAt);
        },
      });
      // Losing the lock or the broker stops publishing at once, not at the next event. A
      // requested stop publishes nothing more either, but lets what is out be confirmed.
      const stop = () => (this.options.stopping.aborted ? void pipeline.drain(DRAIN_TIMEOUT_MS) : pipeline.stop(signal.reason as Error));
      if (signal.aborted) stop();
      signal.addEventListener('abort', stop, { once: true });
      this.options.onPipeline(pipeline);
      logger.info('publishing from checkpoint', { checkpoint: checkpoint?.toString() ?? 'start' });
      const subscription = store.subscribeToAll({
        ...(checkpoint === undefined ? {} : { after: checkpoint }),
        signal,
        onEvent: async (event) => {
          const messages = messagesFor(event, this.options.versions);
          // The checkpoint moves to a position once every message before it is confirmed: all
          // but the last message of an event stand one short of it, so a crash between them
          // publishes the whole event again rather than lose a copy.
          for (const [index, message] of messages.entries()) {
            await pipeline.publish(message, index === messages.length - 1 || event.position === 0n ? event.position : event.position - 1n);
          }
          const { correlationId, userId } = event.metadata;
          logger.debug('event published', { eventId: event.id, type: event.type, position: event.position.toString(), correlationId, userId });
        },
      });
      const ended = subscription.done.then(
        (): Outcome => ({ reason: 'stopped', progressed }),
        (error: Error): Outcome => ({ reason: 'subscription_failed', error, progressed }),
      );
      const outcome = await Promise.race([pipeline.failed.then((failure): Outcome => ({ ...failure, progressed })), ended]);
      attempt.abort(outcome.error);
      await ended;
      if (this.options.stopping.aborted) await pipeline.drain(DRAIN_TIMEOUT_MS);
      signal.removeEventListener('abort', stop);
      return { ...outcome, progressed };
    } finally {
      this.options.onPipeline(undefined);
      if (this.attempt === attempt) this.attempt = undefined;
      await channel?.close().catch(() => undefined);
      await writer?.flush();
    }
  }
}

/** A confirm channel once the broker is connected, or undefined if `signal` aborts first. */
async function openChannel(amqp: AmqpClient, signal: AbortSignal): Promise<ConfirmChannel | undefined> {
  if (signal.aborted) return undefined;
  const opening = amqp.connection.createConfirmChannel();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const channel = await Promise.race([opening, aborted]);
    if (!channel) void opening.then((late) => late.close()).catch(() => undefined);
    return channel;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
