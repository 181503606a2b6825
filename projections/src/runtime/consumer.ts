/**
 * A projector: consumes its projection's queue and applies messages in batches.
 *
 * Messages are buffered as they arrive (up to `prefetch` unacknowledged); whenever the
 * projector is idle it takes up to `batchSize` of them, applies them in one transaction
 * (under the projection's advisory lock, with the checkpoint) and acknowledges them all
 * with one `ack(last, multiple)`. A batch that fails for a reason other than an outage is
 * retried one message at a time, each with a few attempts and backoff; a message that
 * still fails is published to the dead-letter exchange with the error in its headers and
 * acknowledged, recorded as a hole its stream's later events skip (holes.ts), and the
 * projector carries on; once it has applied an erasure, it drops the user's dead letters
 * (dead-letter-erasure.ts). Outages (database, network) are retried until they end,
 * without dead-lettering anything.
 */
import {
  backoffDelay,
  declareQueue,
  inTransaction,
  ROOT_CONTEXT,
  sleep,
  withContext,
  withLogContext,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Logger,
} from '@dreamcatcher/service-kit';
import { applyBatch, type BatchResult } from './apply-batch.js';
import { lockProjection } from './checkpoints.js';
import { eraseFromDeadLetters } from './dead-letter-erasure.js';
import { deadLetterHeaders } from './dead-letters.js';
import { decodeEnvelope, type ProjectionEvent } from './events.js';
import { isRefused, messageFailureKind, StoppedError, untilNoOutage } from './failures.js';
import { recordHole } from './holes.js';
import { recordBatch, type FailureKind, type ProjectorMetrics } from './metrics.js';
import type { ProjectorDependencies, ProjectorOptions } from './projector-options.js';
import { traceApply, type Applying } from './tracing.js';

export { projectorOptions, type ProjectorDependencies, type ProjectorOptions } from './projector-options.js';

interface Delivery {
  channel: ConfirmChannel;
  message: ConsumeMessage;
}

export class Projector {
  private buffer: Delivery[] = [];
  private channel: ConfirmChannel | undefined;
  private connection: ChannelModel | undefined;
  private draining: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly logger: Logger;
  /** The last checkpoint this process committed. */
  checkpoint: bigint | undefined;
  /** Messages this process has finished with (applied, repeated, ignored or dead-lettered) and of those, dead-lettered. */
  readonly stats = { messages: 0, batches: 0, deadLettered: 0 };
  /** When the broker last delivered a message to this process (0: never). */
  lastDeliveryAt = 0;

  constructor(
    private readonly deps: ProjectorDependencies,
    readonly options: ProjectorOptions,
  ) {
    this.logger = deps.logger.child({ projection: options.projection.name });
  }

  get name(): string {
    return this.options.projection.name;
  }

  /** Opens a channel on `connection` and starts consuming; run again after every reconnect. */
  async attach(connection: ChannelModel): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.connection = connection;
    const channel = await connection.createConfirmChannel();
    await (this.options.partition ? this.options.partition.declare(channel) : declareQueue(channel, this.options.queue));
    await channel.prefetch(this.options.prefetch);
    channel.on('close', () => this.detach(channel));
    channel.on('error', (error: Error) => this.logger.warn('projector channel error', { error: error.message }));
    this.channel = channel;
    let first = true;
    await channel.consume(this.options.queue.queue, (message) => {
      if (!message) return this.detach(channel);
      // A channel being given up (see release) applies nothing more: closing it returns the delivery.
      if (this.channel !== channel) return;
      // With single active consumer, a standby learns that it has become active by its first delivery.
      if (first && this.options.partition) this.logger.info('consuming', { queue: this.options.queue.queue });
      first = false;
      this.lastDeliveryAt = Date.now();
      this.buffer.push({ channel, message });
      this.kick();
    });
  }

  /**
   * Gives the queue up and subscribes again: with single active consumer the next consumer in
   * line becomes the active one (see partitions/).
   */
  async resubscribe(connection: ChannelModel): Promise<void> {
    if (!this.channel || this.stopping.signal.aborted) return;
    await this.release();
    await this.attach(connection);
  }

  /** Stops consuming after the batch in progress; what was delivered and not applied returns to the queue. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.release();
  }

  /**
   * Finishes the batch in progress and closes the channel, which returns every other delivery
   * to the queue. Not `basic.cancel` first: with single active consumer the broker would make
   * the next consumer active at once, while this one still applies what it holds, and the two
   * would apply one partition out of order (a partition's checkpoint and the erasure barrier
   * count on queue order). On close the broker returns the deliveries, in order, before it
   * activates the next consumer.
   */
  private async release(): Promise<void> {
    const channel = this.channel;
    if (channel) this.detach(channel);
    await this.draining;
    await channel?.close().catch(() => undefined);
  }

  // Deliveries of a closed channel can no longer be acknowledged; the broker redelivers them.
  private detach(channel: ConfirmChannel): void {
    if (this.channel === channel) this.channel = undefined;
    this.buffer = this.buffer.filter((delivery) => delivery.channel !== channel);
  }

  private kick(): void {
    if (this.draining) return;
    // Detached from the delivery that happened to start the drain: each batch traces its own messages.
    const linger = this.buffer.length < this.options.batchSize ? this.options.lingerMs : 0;
    this.draining = withContext(ROOT_CONTEXT, () => new Promise<void>((resolve) => (linger > 0 ? setTimeout(resolve, linger) : setImmediate(resolve))))
      .then(() => this.drain())
      .catch((error: Error) => {
        if (!(error instanceof StoppedError)) this.logger.error('projector stopped processing', { error: error.message });
      })
      .finally(() => {
        this.draining = undefined;
        if (this.buffer.length && !this.stopping.signal.aborted) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.buffer.length && !this.stopping.signal.aborted) {
      const channel = this.buffer[0]!.channel;
      let size = 0;
      while (size < this.buffer.length && size < this.options.batchSize && this.buffer[size]!.channel === channel) size++;
      const batch = this.buffer.splice(0, size);
      await this.process(channel, batch.map((delivery) => delivery.message));
    }
  }

  private async process(channel: ConfirmChannel, messages: ConsumeMessage[]): Promise<void> {
    const events: Applying[] = [];
    for (const message of messages) {
      // A previous-version copy repeats an event already received in its current version.
      if (message.properties.headers?.['x-deprecated-version'] === 'true') continue;
      try {
        events.push({ message, event: decodeEnvelope(message.content) });
      } catch (error) {
        this.failed('undecodable');
        await this.deadLetter(channel, message, error as Error, 0);
      }
    }
    if (events.length) {
      try {
        for (const segment of this.options.partition?.segments(events) ?? [events]) await this.untilNoOutage(() => this.commit(segment));
      } catch (error) {
        if (error instanceof StoppedError) throw error;
        this.failed('batch');
        this.logger.warn('batch failed, applying its messages one by one', { messages: events.length, error: (error as Error).message });
        for (const item of events) await this.applyAlone(channel, item);
      }
      const target = { connection: this.connection, pool: this.deps.pool, schema: this.options.schema, deadLetterQueue: this.options.queue.deadLetterQueue, logger: this.logger };
      await this.untilNoOutage(() => eraseFromDeadLetters(target, events.map((item) => item.event)));
    }
    try {
      channel.ack(messages.at(-1)!, true);
      this.stats.messages += messages.length;
      this.stats.batches++;
    } catch (error) {
      this.logger.warn('could not acknowledge; the broker will redeliver', { error: (error as Error).message });
    }
  }

  private async applyAlone(channel: ConfirmChannel, item: Applying): Promise<void> {
    const { attempts, initialDelayMs, maxDelayMs } = this.options.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.untilNoOutage(() => this.commit([item]));
        return;
      } catch (error) {
        if (error instanceof StoppedError) throw error;
        this.failed(messageFailureKind(error));
        if (attempt >= attempts || isRefused(error)) return this.deadLetter(channel, item.message, error as Error, attempt, item.event);
        await sleep(backoffDelay(attempt - 1, initialDelayMs, maxDelayMs), this.stopping.signal);
      }
    }
  }

  private untilNoOutage<T>(work: () => Promise<T>): Promise<T> {
    return untilNoOutage(work, { signal: this.stopping.signal, initialDelayMs: this.options.retry.initialDelayMs, onOutage: () => this.failed('outage'), logger: this.logger });
  }

  /** One transaction for `items`, traced (see tracing.ts); each event is logged at debug level with its correlation id. */
  private async commit(items: Applying[]): Promise<BatchResult> {
    const { projection, schema, partition } = this.options;
    const events = items.map((item) => item.event);
    await partition?.beforeCommit(this.deps.pool, events, this.stopping.signal);
    const timer = this.deps.metrics?.batchSeconds.startTimer({ projection: projection.name });
    const result = await traceApply(projection.name, items, async () => {
      return inTransaction(this.deps.pool, async (client) => {
        await (partition ? partition.lock(client) : lockProjection(client, projection.name));
        return applyBatch(client, projection, events, { schema, readStream: this.deps.readStream, notify: true, ...(partition && { owns: partition.owns, checkpoint: partition.checkpoint }) });
      });
    });
    timer?.();
    if (result.checkpoint !== undefined) this.checkpoint = result.checkpoint;
    if (this.deps.metrics) recordBatch(this.deps.metrics, this.name, result);
    for (const { eventId, type, position, metadata } of events) {
      this.logger.debug('event projected', { eventId, type, position: position.toString(), correlationId: metadata.correlationId, userId: metadata.userId, checkpoint: result.checkpoint?.toString() });
    }
    return result;
  }

  private failed(kind: FailureKind): void {
    this.deps.metrics?.failures.inc({ projection: this.name, kind });
  }

  private async deadLetter(channel: ConfirmChannel, message: ConsumeMessage, error: Error, attempts: number, event?: ProjectionEvent): Promise<void> {
    const { exchange, routingKey } = this.options.deadLetter;
    const headers = deadLetterHeaders(message, error, { attempts, projection: this.name, queue: this.options.queue.queue });
    withLogContext({ correlationId: String(message.properties.headers?.['x-correlation-id'] ?? '') }, () =>
      this.logger.error('message dead-lettered', { messageId: message.properties.messageId, type: message.properties.type, attempts, error: error.message }),
    );
    channel.publish(exchange, routingKey, message.content, { ...message.properties, headers, persistent: true });
    await channel.waitForConfirms();
    this.stats.deadLettered++;
    this.deps.metrics?.deadLetters.inc({ projection: this.name });
    if (event) await this.untilNoOutage(() => recordHole(this.deps.pool, this.options.schema, this.name, event, error, this.logger));
  }
}
