/**
 * Builds a dream's history as the command service would write it: chainable, one method
 * per event type, with metadata and increasing times. `.events` is ready to append.
 */
import { randomUUID } from 'node:crypto';
import { currentEventVersion, type EventDataByType, type Fragment, type Todo } from '@dreamcatcher/contracts';
import type { EventToAppend } from '@dreamcatcher/event-store';
import type { EventType } from '../runtime/events.js';

/** Hands out increasing times, one second apart. */
export class Clock {
  private next = Date.parse('2026-01-01T00:00:00.000Z');
  tick(): string {
    const at = new Date(this.next).toISOString();
    this.next += 1_000;
    return at;
  }
}

export class DreamScript {
  readonly events: EventToAppend[] = [];
  readonly fragmentIds: string[] = [];
  readonly todoIds: string[] = [];

  constructor(
    readonly ownerId: string,
    readonly clock: Clock = new Clock(),
    readonly dreamId: string = randomUUID(),
  ) {}

  get streamId(): string {
    return `dream-${this.dreamId}`;
  }

  private push<K extends EventType>(type: K, data: Omit<EventDataByType[K], 'dreamId'>): this {
    this.events.push({
      id: randomUUID(),
      type,
      data: { dreamId: this.dreamId, ...data },
      metadata: { userId: this.ownerId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: this.clock.tick(), schemaVersion: currentEventVersion(type) },
    });
    return this;
  }

  fragment(title: string, content: string): Fragment {
    const fragmentId = randomUUID();
    this.fragmentIds.push(fragmentId);
    return { fragmentId, title, content, source: 'claude', url: 'https://claude.ai/chat/1', mode: 'all', features: ['idea'], codeSnippets: [{ language: 'ts', code: 'let x = 1' }], capturedAt: '2025-12-31T12:00:00.000Z' };
  }

  todo(title: string, status: Todo['status'] = 'pending'): Todo {
    const todoId = randomUUID();
    this.todoIds.push(todoId);
    return { todoId, title, priority: 'medium', status, source: 'manual' };
  }

  created(overrides: Partial<EventDataByType['DreamCreated']> = {}): this {
    return this.push('DreamCreated', { ownerId: this.ownerId, title: 'A dream', status: 'idea', brand: 'personal', tags: [], ...overrides });
  }

  imported(fragments: Fragment[], todos: Todo[], overrides: Partial<EventDataByType['DreamImported']> = {}): this {
    return this.push('DreamImported', { ownerId: this.ownerId, title: 'An imported dream', status: 'idea', brand: 'personal', tags: [], fragments, todos, ...overrides });
  }

  captured(title = 'A conversation', content = 'We talked about things'): this {
    return this.push('FragmentCaptured', { fragment: this.fragment(title, content) });
  }

  fragmentEdited(fragmentId: string, changes: EventDataByType['FragmentEdited']['changes']): this {
    return this.push('FragmentEdited', { fragmentId, changes });
  }

  fragmentRemoved(fragmentId: string): this {
    return this.push('FragmentRemoved', { fragmentId });
  }

  detailsChanged(changes: EventDataByType['DreamDetailsChanged']['changes']): this {
    return this.push('DreamDetailsChanged', { changes });
  }

  statusChanged(from: EventDataByType['DreamStatusChanged']['from'], to: EventDataByType['DreamStatusChanged']['to']): this {
    return this.push('DreamStatusChanged', { from, to });
  }

  brandChanged(from: EventDataByType['DreamBrandChanged']['from'], to: EventDataByType['DreamBrandChanged']['to']): this {
    return this.push('DreamBrandChanged', { from, to });
  }

  tagged(...tags: string[]): this {
    return this.push('DreamTagged', { tags });
  }

  untagged(...tags: string[]): this {
    return this.push('DreamUntagged', { tags });
  }

  todoAdded(title: string, status: Todo['status'] = 'pending'): this {
    return this.push('TodoAdded', { todo: this.todo(title, status) });
  }

  todoChanged(todoId: string, changes: EventDataByType['TodoChanged']['changes']): this {
    return this.push('TodoChanged', { todoId, changes });
  }

  todoCompleted(todoId: string): this {
    return this.push('TodoCompleted', { todoId });
  }

  todoRemoved(todoId: string): this {
    return this.push('TodoRemoved', { todoId });
  }

  documentAttached(title = 'Spec', size = 1234): this {
    return this.push('DocumentAttached', { document: { documentId: randomUUID(), title, fileName: `${title}.pdf`, fileType: 'application/pdf', size } });
  }

  implementationRequested(notes?: string): this {
    return this.push('ImplementationRequested', notes === undefined ? {} : { notes });
  }

  implementationCompleted(pipelineosProjectId: string): this {
    return this.push('ImplementationCompleted', { pipelineosProjectId, ticketsCreated: 3, agentsAssigned: ['builder'], estimatedCompletion: '2026-03-01T00:00:00.000Z' });
  }

  synced(pipelineosProjectId: string): this {
    return this.push('DreamSynced', { pipelineosProjectId });
  }

  syncFailed(reason: string): this {
    return this.push('DreamSyncFailed', { reason });
  }

  archived(from: EventDataByType['DreamArchived']['from']): this {
    return this.push('DreamArchived', { from });
  }

  deleted(): this {
    return this.push('DreamDeleted', {});
  }
}
