import { ConflictError, NotFoundError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { DeciderSpecification, DREAM_ID, dreamCreated, dreamDeleted, metadataOf, NOW, OWNER_ID } from '../testing/index.js';
import type { DreamEvent } from './events.js';
import { dreamDecider } from './decider.js';

const spec = DeciderSpecification.for(dreamDecider);
const metadata = metadataOf();
const fragmentId = 'a1b2c3d4-0000-4000-8000-000000000001';
const todoId = 'a1b2c3d4-0000-4000-8000-000000000002';

const violationPaths = (error: ValidationError) => error.violations.map((v) => v.path);

describe('CreateDream', () => {
  const create = (data: Partial<{ title: string; brand: string; status: string; tags: string[]; description: string; summary: string }> = {}) => ({
    type: 'CreateDream' as const,
    data: { dreamId: DREAM_ID, title: 'A dream worth keeping', ...data } as never,
    metadata,
  });

  it('creates a dream owned by the caller, with the defaults', () => {
    spec.given([]).when(create()).then([dreamCreated()]);
  });

  it('keeps what was given and trims the title', () => {
    spec
      .given([])
      .when(create({ title: '  Trimmed  ', brand: 'bc-studio', status: 'in_progress', description: 'Why', summary: 'What' }))
      .then([
        dreamCreated({ title: 'Trimmed', brand: 'bc-studio', status: 'in_progress', description: 'Why', summary: 'What' }),
      ]);
  });

  it('trims tags, drops empty ones and keeps the first of duplicates', () => {
    spec
      .given([])
      .when(create({ tags: [' ai ', 'web', '', '  ', 'ai', 'AI', 'web '] }))
      .then([dreamCreated({ tags: ['ai', 'web', 'AI'] })]);
  });

  it('refuses a title shorter than 3 characters after trimming', () => {
    spec
      .given([])
      .when(create({ title: '  ab   ' }))
      .thenThrows(ValidationError, (error) => expect(violationPaths(error)).to.deep.equal(['/title']));
  });

  it('refuses a title longer than 500 characters, counting characters not UTF-16 units', () => {
    spec.given([]).when(create({ title: 'x'.repeat(501) })).thenThrows(ValidationError);
    spec.given([]).when(create({ title: '🌙'.repeat(500) })).then([dreamCreated({ title: '🌙'.repeat(500) })]);
  });

  it('refuses an unknown brand and an unknown status, listing both', () => {
    spec
      .given([])
      .when(create({ brand: 'acme', status: 'done' }))
      .thenThrows(ValidationError, (error) => {
        expect(error.status).to.equal(400);
        expect(violationPaths(error)).to.have.members(['/brand', '/status']);
      });
  });

  it('refuses an id that is taken, also by a deleted dream (409 dream_exists)', () => {
    const isDreamExists = (error: ConflictError) => {
      expect(error.status).to.equal(409);
      expect(error.code).to.equal('dream_exists');
    };
    spec.given([dreamCreated()]).when(create()).thenThrows(ConflictError, isDreamExists);
    spec.given([dreamCreated(), dreamDeleted()]).when(create()).thenThrows(ConflictError, isDreamExists);
  });
});

describe('ImportDream', () => {
  const importing = (dream: Record<string, unknown>) => ({
    type: 'ImportDream' as const,
    data: { dreamId: DREAM_ID, dream: { title: 'Imported dream', ...dream } } as never,
    metadata,
  });

  it('records the whole dream in one event, with defaults for fragments and todos', () => {
    spec
      .given([])
      .when(
        importing({
          status: 'completed',
          tags: ['old', ' old'],
          fragments: [{ fragmentId, title: ' Chat ', content: 'Hello', source: 'chatgpt', url: 'https://chat.example/1' }],
          todos: [{ todoId, title: 'Ship it', status: 'completed', priority: 'high', deadline: '2025-04-01' }],
        }),
      )
      .then([
        {
          type: 'DreamImported',
          data: {
            dreamId: DREAM_ID,
            ownerId: OWNER_ID,
            title: 'Imported dream',
            status: 'completed',
            brand: 'personal',
            tags: ['old'],
            fragments: [
              {
                fragmentId,
                title: 'Chat',
                content: 'Hello',
                source: 'chatgpt',
                url: 'https://chat.example/1',
                mode: 'all',
                features: [],
                codeSnippets: [],
                capturedAt: NOW,
              },
            ],
            todos: [{ todoId, title: 'Ship it', priority: 'high', status: 'completed', source: 'manual', deadline: '2025-04-01' }],
          },
        },
      ]);
  });

  it('imports a dream with no fragments or todos as empty lists', () => {
    const [event] = dreamDecider.decide(importing({}), dreamDecider.initialState()) as [DreamEvent];
    expect(event.type).to.equal('DreamImported');
    expect(event.data).to.include.keys('fragments', 'todos');
    expect(event.data).to.deep.include({ fragments: [], todos: [] });
  });

  it('refuses unknown priorities and statuses and repeated ids, pointing at each item', () => {
    spec
      .given([])
      .when(
        importing({
          fragments: [
            { fragmentId, title: 'One', content: 'a', source: 'claude' },
            { fragmentId, title: 'Two', content: 'b', source: 'claude', mode: 'everything' },
          ],
          todos: [{ todoId, title: 'x', priority: 'whenever', status: 'someday' }],
        }),
      )
      .thenThrows(ValidationError, (error) =>
        expect(violationPaths(error)).to.have.members([
          '/dream/fragments/1/fragmentId',
          '/dream/fragments/1/mode',
          '/dream/todos/0/priority',
          '/dream/todos/0/status',
        ]),
      );
  });

  it('refuses an id that is taken', () => {
    spec.given([dreamCreated()]).when(importing({})).thenThrows(ConflictError, (e) => expect(e.code).to.equal('dream_exists'));
  });
});

describe('ChangeDreamStatus and ArchiveDream', () => {
  const toStatus = (status: string) => ({ type: 'ChangeDreamStatus' as const, data: { dreamId: DREAM_ID, status } as never, metadata });
  const archive = { type: 'ArchiveDream' as const, data: { dreamId: DREAM_ID }, metadata };
  const archived: DreamEvent = { type: 'DreamArchived', data: { dreamId: DREAM_ID, from: 'in_progress' } };
  const started: DreamEvent = { type: 'DreamStatusChanged', data: { dreamId: DREAM_ID, from: 'idea', to: 'in_progress' } };

  it('moves a dream to another status', () => {
    spec.given([dreamCreated()]).when(toStatus('in_progress')).then([started]);
  });

  it('may go back, e.g. from completed to idea', () => {
    spec
      .given([dreamCreated({ status: 'completed' })])
      .when(toStatus('idea'))
      .then([{ type: 'DreamStatusChanged', data: { dreamId: DREAM_ID, from: 'completed', to: 'idea' } }]);
  });

  it('does nothing when the status is already the one asked for', () => {
    spec.given([dreamCreated(), started]).when(toStatus('in_progress')).thenNothingHappens();
  });

  it('archives through the status, remembering the status it left', () => {
    spec.given([dreamCreated(), started]).when(toStatus('archived')).then([archived]);
  });

  it('restores an archived dream to the status asked for', () => {
    spec
      .given([dreamCreated(), started, archived])
      .when(toStatus('in_progress'))
      .then([{ type: 'DreamStatusChanged', data: { dreamId: DREAM_ID, from: 'archived', to: 'in_progress' } }]);
  });

  it('refuses an unknown status', () => {
    spec.given([dreamCreated()]).when(toStatus('finished')).thenThrows(ValidationError);
  });

  it('archives with ArchiveDream, and archiving again changes nothing', () => {
    spec.given([dreamCreated(), started]).when(archive).then([archived]);
    spec.given([dreamCreated(), started, archived]).when(archive).thenNothingHappens();
  });
});

describe('DeleteDream', () => {
  const remove = { type: 'DeleteDream' as const, data: { dreamId: DREAM_ID }, metadata };

  it('deletes the dream', () => {
    spec.given([dreamCreated()]).when(remove).then([dreamDeleted()]);
  });

  it('is a 404 for a dream that is absent or already deleted', () => {
    spec.given([]).when(remove).thenThrows(NotFoundError);
    spec.given([dreamCreated(), dreamDeleted()]).when(remove).thenThrows(NotFoundError);
  });
});
