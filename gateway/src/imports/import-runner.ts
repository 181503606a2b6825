/**
 * Runs import jobs, one at a time per gateway: reads the export as a stream and sends each
 * conversation's commands to the command service, one conversation after another, so an
 * import takes the store's pace rather than flooding it. Everything sent is derived from
 * the user and the conversation (see @dreamcatcher/imports), so a job restarted after a
 * crash sends the same commands again and the command service answers from what it did.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { readExport, planConversation, NotAnExportError, type Conversation } from '@dreamcatcher/imports';
import type { Logger } from '@dreamcatcher/service-kit';
import { AppError } from '@dreamcatcher/service-kit/errors';
import type { CommandServiceClient } from '../dreams/command-client.js';
import { MAX_ERRORS, type ImportCounts, type ImportJobs, type ImportJobWork } from './import-jobs.js';

/** Progress is written after this many conversations (and at the end). */
const PROGRESS_EVERY = 20;
const RETRIES = 5;

export class ImportRunner {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly jobs: ImportJobs,
    private readonly commands: CommandServiceClient,
    private readonly logger: Logger,
  ) {}

  /** Queues a job; jobs run one after another. */
  enqueue(work: ImportJobWork): void {
    this.queue = this.queue.then(() => (this.stopped ? undefined : this.run(work)));
  }

  /** Restarts what a stopped gateway left queued or running. */
  async resume(): Promise<void> {
    for (const work of await this.jobs.unfinished()) this.enqueue(work);
  }

  /** Settles when every queued job has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
  }

  private async run(work: ImportJobWork): Promise<void> {
    const counts: ImportCounts = { total: 0, imported: 0, skipped: 0, failed: 0 };
    const errors: string[] = [];
    let format: string | null = null;
    try {
      await this.jobs.start(work.id);
      for await (const item of readExport(work.filePath, (found) => (format = found))) {
        if (this.stopped) return; // left running: resumed at the next start
        counts.total++;
        if ('error' in item) {
          counts.failed++;
          if (errors.length < MAX_ERRORS) errors.push(item.error);
        } else {
          const outcome = await this.importConversation(work, item.conversation).catch((error: Error) => error);
          if (outcome instanceof Error) {
            counts.failed++;
            if (errors.length < MAX_ERRORS) errors.push(`conversation ${item.conversation.id}: ${outcome.message}`);
          } else counts[outcome]++;
        }
        if (counts.total % PROGRESS_EVERY === 0) await this.jobs.progress(work.id, format, counts, errors);
      }
      await this.jobs.progress(work.id, format, counts, errors);
      await this.jobs.finish(work.id, 'completed');
    } catch (error) {
      const reason = error instanceof NotAnExportError ? error.message : `The import stopped: ${(error as Error).message}`;
      if (!(error instanceof NotAnExportError)) this.logger.warn('import failed', { importId: work.id, error: (error as Error).message });
      await this.jobs.progress(work.id, format, counts, errors).catch(() => undefined);
      await this.jobs.finish(work.id, 'failed', reason).catch(() => undefined);
    }
    if (!this.stopped) await rm(work.filePath, { force: true }).catch(() => undefined);
  }

  private async importConversation(work: ImportJobWork, conversation: Conversation): Promise<'imported' | 'skipped'> {
    if (conversation.turns.length === 0) return 'skipped';
    const before = await this.jobs.importedTurns(work.userId, conversation.source, conversation.id);
    const planned = planConversation(work.userId, conversation, before);
    if (planned.length === 0) return 'skipped';
    for (const command of planned) {
      try {
        await this.send(work, command.type, command.data, command.idempotencyKey);
      } catch (error) {
        // Its dream exists: imported before the key's memory ran out; nothing to add.
        if (!(command.type === 'ImportDream' && error instanceof AppError && error.status === 409)) throw error;
      }
    }
    await this.jobs.recordImported(work.userId, conversation.source, conversation.id, conversation.turns.length);
    return 'imported';
  }

  /** Sends one command, waiting and trying again while the service is unavailable. */
  private async send(work: ImportJobWork, type: string, data: unknown, idempotencyKey: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commands.send(type, { data, idempotencyKey, metadata: { userId: work.userId, roles: work.roles, correlationId: randomUUID() } });
        return;
      } catch (error) {
        const retry = error instanceof AppError && (error.status === 503 || error.status === 429) && attempt < RETRIES;
        if (!retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
    }
  }
}
