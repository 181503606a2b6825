/** Many dreams with varied histories, appended interleaved as concurrent users would produce them. */
import type { EventStore } from '@dreamcatcher/event-store';
import type { ProjectionEvent } from '../runtime/events.js';
import { Clock, DreamScript } from './dream-script.js';

const BRANDS = ['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto'] as const;
const TAGS = ['ai', 'coding', 'web', 'mobile', 'business', 'research', 'custom-tag'];

/** `dreams` scripts of about `eventsPerDream` events each, owned by `users` users; every tenth dream is deleted at the end. */
export function bulkScripts(dreams: number, eventsPerDream: number, { users = 5, clock = new Clock(), prefix = 'bulk-user' } = {}): DreamScript[] {
  return Array.from({ length: dreams }, (_, d) => {
    const script = new DreamScript(`${prefix}-${d % users}`, clock);
    script.created({ title: `Dream ${d}`, description: `About idea number ${d}`, brand: BRANDS[d % BRANDS.length]!, tags: [TAGS[d % TAGS.length]!] });
    for (let i = 1; script.events.length < eventsPerDream - 1; i++) {
      switch (i % 10) {
        case 1:
          script.captured(`Chat ${i}`, `We talked about topic ${i} of dream ${d} with rockets and bread`);
          break;
        case 2:
          script.todoAdded(`Todo ${i}`);
          break;
        case 3:
          script.todoCompleted(script.todoIds.at(-1)!);
          break;
        case 4:
          script.fragmentEdited(script.fragmentIds.at(-1)!, { content: `Edited content ${i}` });
          break;
        case 5:
          script.detailsChanged({ title: `Dream ${d} v${i}` });
          break;
        case 6:
          script.tagged(`${TAGS[(d + i) % TAGS.length]!}-${i}`);
          break;
        case 7:
          script.documentAttached(`Doc ${i}`);
          break;
        case 8:
          if (i % 20 === 8) script.syncFailed('timeout');
          else script.synced(`proj-${d}`);
          break;
        case 9:
          script.todoChanged(script.todoIds.at(-1)!, { status: 'pending', priority: 'high' });
          break;
        default:
          script.captured(`Chat ${i}`, `More about ${d}`);
      }
    }
    if (d % 10 === 9) script.deleted();
    else script.statusChanged('idea', 'in_progress');
    return script;
  });
}

/** Appends the scripts' events round-robin, `chunk` events of one dream per append, a few appends at a time. */
export async function appendInterleaved(store: EventStore, scripts: DreamScript[], { chunk = 10, concurrency = 6 } = {}): Promise<ProjectionEvent[]> {
  const recorded: ProjectionEvent[] = [];
  const queues = scripts.map((script) => ({ script, pending: [...script.events] }));
  for (const { script } of queues) script.events.length = 0;
  while (queues.some((queue) => queue.pending.length)) {
    const round = queues.filter((queue) => queue.pending.length);
    for (let start = 0; start < round.length; start += concurrency) {
      await Promise.all(
        round.slice(start, start + concurrency).map(async ({ script, pending }) => {
          const events = pending.splice(0, chunk);
          const result = await store.appendToStream(script.streamId, events);
          events.forEach((event, index) => {
            const { revision, position } = result.events[index]!;
            recorded.push({ eventId: event.id, type: event.type, data: event.data, metadata: event.metadata, streamId: script.streamId, revision, position });
          });
        }),
      );
    }
  }
  return recorded.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}
