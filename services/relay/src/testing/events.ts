/** Events for the relay's specs: valid against the contracts, so published messages can be validated too. */
import { randomUUID } from 'node:crypto';
import type { EventToAppend, RecordedEvent } from '@dreamcatcher/event-store';

export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export function dreamStreamId(dreamId: string): string {
  return `dream-${dreamId}`;
}

export function fragmentCaptured(dreamId: string, n: number, occurredAt = new Date().toISOString()): EventToAppend {
  const id = randomUUID();
  return {
    id,
    type: 'FragmentCaptured',
    data: {
      dreamId,
      fragment: {
        fragmentId: randomUUID(),
        title: `Fragment ${n}`,
        content: `Captured conversation piece number ${n}`,
        source: 'claude',
        mode: 'all',
        features: [],
        codeSnippets: [],
        capturedAt: occurredAt,
      },
    },
    metadata: { userId: 'user-1', correlationId: `corr-${n}`, causationId: `cmd-${n}`, occurredAt, schemaVersion: 1, traceparent: TRACEPARENT },
  };
}

export function dreamSynced(dreamId: string, occurredAt = new Date().toISOString()): EventToAppend {
  return {
    id: randomUUID(),
    type: 'DreamSynced',
    data: { dreamId, pipelineosProjectId: 'pipelineos-42' },
    metadata: { userId: 'integration-1', correlationId: randomUUID(), causationId: randomUUID(), occurredAt, schemaVersion: 1 },
  };
}

/** A stored event as the store would hand it to the relay. */
export function recorded(event: EventToAppend, place: { streamId: string; revision: bigint; position: bigint }): RecordedEvent {
  return { ...event, ...place };
}

export function dreamCreated(dreamId: string, occurredAt = new Date().toISOString()): EventToAppend {
  return {
    id: randomUUID(),
    type: 'DreamCreated',
    data: { dreamId, ownerId: 'user-1', title: 'A dream worth keeping', status: 'idea', brand: 'personal', tags: [] },
    metadata: { userId: 'user-1', correlationId: randomUUID(), causationId: randomUUID(), occurredAt, schemaVersion: 1 },
  };
}
