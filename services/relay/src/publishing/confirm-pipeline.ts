/**
 * Pipelined publishing on a confirm channel: up to `maxInFlight` messages are out at once
 * and the broker acknowledges them in batches (`multiple`), so throughput is not one round
 * trip per event. Messages go out in the order `publish` is called (the store's global
 * order); `onAdvance` reports the highest position whose message and all before it are
 * confirmed, which is what the checkpoint may move to.
 *
 * Any nack, basic.return (unroutable with `mandatory`; the broker sends it before that
 * message's ack, so the later ack must not count), channel error or close fails the whole
 * pipeline: the caller tears it down and republishes from the checkpoint, in order. That
 * is simpler than resending single messages and keeps per-stream order intact.
 */
import type { ConfirmChannel, Message } from 'amqplib';
import { endSpan, withContext, type Span } from '@dreamcatcher/service-kit';
import { startPublishSpan } from './tracing.js';
import { encodeEnvelope, type RelayMessage } from './transform.js';

export type FailureReason = 'nacked' | 'returned' | 'channel_closed' | 'stopped';

export interface PipelineFailure {
  reason: FailureReason;
  error: Error;
}

export interface PipelineHooks {
  maxInFlight: number;
  onPublished?: () => void;
  onConfirmed?: () => void;
  /** Every message up to and including `position` is confirmed; `occurredAt` is that event's. */
  onAdvance: (position: bigint, occurredAt: string) => void;
}

interface InFlight {
  position: bigint;
  occurredAt: string;
  confirmed: boolean;
  /** Ends at the confirm, or with the pipeline's failure. */
  span: Span;
}

export class PipelineFailedError extends Error {
  constructor(readonly failure: PipelineFailure) {
    super(`publishing stopped (${failure.reason}): ${failure.error.message}`);
    this.name = 'PipelineFailedError';
  }
}

export class ConfirmPipeline {
  private readonly window: InFlight[] = [];
  private failure: PipelineFailure | undefined;
  private resolveFailed!: (failure: PipelineFailure) => void;
  private waiters: (() => void)[] = [];
  private bufferFull = false;
  private draining = false;
  /** Resolves (never rejects) with the first failure. */
  readonly failed = new Promise<PipelineFailure>((resolve) => (this.resolveFailed = resolve));

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly hooks: PipelineHooks,
  ) {
    channel.on('return', (message: Message) => {
      const { replyText } = message.fields as Message['fields'] & { replyText?: string };
      this.fail('returned', new Error(`message ${String(message.properties.messageId)} returned (${replyText ?? 'unroutable'}, ${message.fields.routingKey})`));
    });
    channel.on('error', (error: Error) => this.fail('channel_closed', error));
    channel.on('close', () => this.fail('channel_closed', new Error('channel closed')));
    channel.on('drain', () => {
      this.bufferFull = false;
      this.wake();
    });
  }

  /** Messages published and not yet confirmed. */
  get inFlight(): number {
    return this.window.length;
  }

  get failedWith(): PipelineFailure | undefined {
    return this.failure;
  }

  /**
   * Sends one message; resolves once it is on the wire and there is room for the next.
   * Rejects with PipelineFailedError once the pipeline has failed or been stopped.
   */
  async publish(message: RelayMessage, position: bigint): Promise<void> {
    while (!this.failure && !this.draining && (this.window.length >= this.hooks.maxInFlight || this.bufferFull)) await this.change();
    if (this.failure) throw new PipelineFailedError(this.failure);
    // Refused without failing the pipeline: confirms of what is out still count.
    if (this.draining) throw new PipelineFailedError({ reason: 'stopped', error: new Error('draining for a stop') });
    const traced = startPublishSpan(message, position);
    const entry: InFlight = { position, occurredAt: message.envelope.occurredAt, confirmed: false, span: traced.span };
    this.window.push(entry);
    try {
      const written = withContext(traced.context, () =>
        this.channel.publish(message.exchange, message.routingKey, encodeEnvelope(message.envelope), message.options, (error) => this.confirm(entry, error as Error | null)),
      );
      // false: the socket buffer is full; wait for 'drain' before writing more.
      if (!written) this.bufferFull = true;
    } catch (error) {
      this.fail('channel_closed', error as Error);
      throw new PipelineFailedError(this.failure!);
    }
    this.hooks.onPublished?.();
  }

  /**
   * For a graceful stop: publishes nothing more, but keeps counting confirms of what is out,
   * so the checkpoint covers it and a successor does not publish it again. Resolves when
   * nothing is in flight, the pipeline fails, or after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    this.wake();
    const deadline = Date.now() + timeoutMs;
    while (!this.failure && this.window.length && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.change(), new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
      clearTimeout(timer);
    }
  }

  /** Stops at once: later publishes reject, later confirms are ignored. */
  stop(error = new Error('stopped')): void {
    this.fail('stopped', error);
  }

  private confirm(entry: InFlight, error: Error | null): void {
    if (this.failure) return;
    if (error) {
      this.fail(error.message === 'channel closed' ? 'channel_closed' : 'nacked', error);
      return;
    }
    entry.confirmed = true;
    endSpan(entry.span);
    this.hooks.onConfirmed?.();
    let last: InFlight | undefined;
    while (this.window[0]?.confirmed) last = this.window.shift();
    if (last) this.hooks.onAdvance(last.position, last.occurredAt);
    this.wake();
  }

  private fail(reason: FailureReason, error: Error): void {
    if (this.failure) return;
    this.failure = { reason, error };
    for (const entry of this.window) if (!entry.confirmed) endSpan(entry.span, error);
    this.resolveFailed(this.failure);
    this.wake();
  }

  private change(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
