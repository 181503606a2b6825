import { randomUUID } from 'node:crypto';
import { validateEvent, type EventDataByType, type EventType } from '@dreamcatcher/contracts';
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventToAppend } from '@dreamcatcher/event-store';

/**
 * Contract-valid events of one dream, as the command service would write them: the owner
 * as data subject, a clock that advances a minute per event.
 */
export class DreamStory {
  readonly dreamId = randomUUID();
  readonly streamId = dreamStreamId(this.dreamId);
  private clock: number;

  constructor(
    readonly ownerId: string,
    start = '2025-03-01T10:00:00.000Z',
    private readonly stepMs = 60_000,
  ) {
    this.clock = Date.parse(start);
  }

  /** When the next event happens. */
  get now(): string {
    return new Date(this.clock).toISOString();
  }

  event<T extends EventType>(type: T, data: Omit<EventDataByType[T], 'dreamId'>, by = this.ownerId): EventToAppend {
    const full = { dreamId: this.dreamId, ...data };
    const violations = validateEvent(type, 1, full);
    if (violations.length) throw new Error(`${type} breaks its contract: ${JSON.stringify(violations)}`);
    const occurredAt = this.now;
    this.clock += this.stepMs;
    return {
      id: randomUUID(),
      type,
      data: full,
      metadata: { userId: by, subjectId: this.ownerId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt, schemaVersion: 1 },
    };
  }

  created(title = 'Offline-first habit tracker', description = 'Tracks habits without a connection'): EventToAppend {
    return this.event('DreamCreated', { ownerId: this.ownerId, title, description, status: 'idea', brand: 'bc-studio', tags: ['mobile'] });
  }

  fragmentCaptured(title = 'Streak logic', content = 'User: how do streaks work offline?'): EventToAppend {
    return this.event('FragmentCaptured', {
      fragment: {
        fragmentId: randomUUID(),
        title,
        content,
        source: 'chatgpt',
        url: 'https://chatgpt.com/c/6745a1f2',
        mode: 'all',
        features: ['Offline check-ins'],
        codeSnippets: [{ language: 'typescript', code: 'const streak = 0;' }],
        capturedAt: this.now,
      },
    });
  }

  todoAdded(title = 'Design the check-in table', assignedTo = 'maria@example.com'): EventToAppend {
    return this.event('TodoAdded', { todo: { todoId: randomUUID(), title, priority: 'high', status: 'pending', source: 'manual', assignedTo } });
  }

  retitled(title: string): EventToAppend {
    return this.event('DreamDetailsChanged', { changes: { title } });
  }

  tagged(...tags: string[]): EventToAppend {
    return this.event('DreamTagged', { tags });
  }

  statusChanged(to: 'in_progress' | 'completed', from: 'idea' | 'in_progress' = 'idea'): EventToAppend {
    return this.event('DreamStatusChanged', { from, to });
  }

  documentAttached(title = 'Wireframes', fileName = 'wireframes.pdf'): EventToAppend {
    return this.event('DocumentAttached', { document: { documentId: randomUUID(), title, fileName, fileType: 'application/pdf', size: 1234 } });
  }

  /** An integration reports a failure: the author is not the subject. */
  syncFailed(reason: string, by = 'pipelineos'): EventToAppend {
    return this.event('DreamSyncFailed', { reason }, by);
  }
}
