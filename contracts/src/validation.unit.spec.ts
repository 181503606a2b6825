import { readFileSync } from 'node:fs';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { COMMAND_TYPES } from './catalogue.js';
import { PACKAGE_ROOT, schemaId } from './schema-files.js';
import {
  assertValidCommand,
  isCommandType,
  isEventType,
  isUserEventType,
  precompileValidators,
  validateCommand,
  validateEnvelope,
  validateEvent,
  validateMetadata,
  validateSyncSession,
} from './validation.js';
import { schemaFiles, validatorFor } from './validation/ajv-cache.js';

const example = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`examples/${path}.v1.json`, PACKAGE_ROOT), 'utf8')) as Record<string, unknown>;
const dreamId = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';
const capture = () => example('commands/CaptureFragment') as { fragment: Record<string, unknown> } & Record<string, unknown>;

describe('validateCommand', () => {
  it('accepts a valid command', () => {
    expect(validateCommand('CaptureFragment', capture())).to.deep.equal([]);
  });

  it('names the wrong type', () => {
    expect(validateCommand('ChangeDreamStatus', { dreamId, status: 3 })).to.deep.equal([
      { path: '/status', message: 'must be a string' },
    ]);
  });

  it('locates a missing property at the property', () => {
    expect(validateCommand('CaptureFragment', { dreamTitle: 'A dream' })).to.deep.equal([
      { path: '/fragment', message: "must have required property 'fragment'" },
    ]);
  });

  it('lists the brands for an unknown brand', () => {
    expect(validateCommand('CreateDream', { title: 'A dream', brand: 'acme' })).to.deep.equal([
      { path: '/brand', message: 'must be one of: personal, bc-innovations, bc-studio, mpgworldwide, accordingto' },
    ]);
  });

  it('says how long a title must be', () => {
    expect(validateCommand('CreateDream', { title: 'ab' })).to.deep.equal([{ path: '/title', message: 'must have at least 3 characters' }]);
  });

  it('rejects oversized fragment content', () => {
    const command = capture();
    command.fragment.content = 'x'.repeat(200_001);
    expect(validateCommand('CaptureFragment', command)).to.deep.equal([
      { path: '/fragment/content', message: 'must have at most 200000 characters' },
    ]);
  });

  it('rejects an additional property, pointing at it', () => {
    expect(validateCommand('DeleteDream', { dreamId, extra: true })).to.deep.equal([{ path: '/extra', message: 'is not allowed' }]);
  });

  it('rejects a bad uuid, a bad url and too many tags', () => {
    const command = { ...capture(), dreamId: 'not-a-uuid', tags: Array.from({ length: 51 }, (_, i) => `tag-${i}`) };
    command.fragment.url = 'chatgpt.com/c/123';
    expect(validateCommand('CaptureFragment', command)).to.have.deep.members([
      { path: '/dreamId', message: 'must be a UUID' },
      { path: '/tags', message: 'must have at most 50 items' },
      { path: '/fragment/url', message: 'must be an absolute URL (with a scheme, e.g. https://...)' },
    ]);
  });

  it('reports every violation at once', () => {
    const violations = validateCommand('AddTodo', {
      dreamId: 'nope',
      title: '',
      priority: 'asap',
      deadline: 'next friday',
      color: 'red',
    });
    expect(violations).to.have.deep.members([
      { path: '/dreamId', message: 'must be a UUID' },
      { path: '/title', message: 'must have at least 1 character' },
      { path: '/priority', message: 'must be one of: low, medium, high, urgent' },
      { path: '/deadline', message: 'must be a date-time (RFC 3339, e.g. 2025-03-14T09:26:53Z) or a date (YYYY-MM-DD)' },
      { path: '/color', message: 'is not allowed' },
    ]);
    expect(violations).to.have.length(5);
  });

  it('asks for at least one field of a partial update', () => {
    expect(validateCommand('ChangeDreamDetails', { dreamId })).to.deep.equal([
      { path: '', message: 'must have at least one of: title, description, summary, brand' },
    ]);
  });

  it('checks the branch a tagged union selects', () => {
    expect(validateCommand('ReportSync', { dreamId, status: 'failed', pipelineosProjectId: 'p-1' })).to.have.deep.members([
      { path: '/pipelineosProjectId', message: 'is not allowed' },
      { path: '/reason', message: "must have required property 'reason'" },
    ]);
    expect(validateCommand('ReportSync', { dreamId, status: 'done' })).to.deep.equal([
      { path: '/status', message: 'must be one of: synced, failed' },
    ]);
    expect(validateCommand('ReportSync', { dreamId })).to.deep.equal([{ path: '/status', message: "must have required property 'status'" }]);
  });

  it('says when the data is not an object at all', () => {
    expect(validateCommand('DeleteDream', 'dream-1')).to.deep.equal([{ path: '', message: 'must be an object' }]);
  });

  it('refuses an unknown command type', () => {
    expect(validateCommand('LaunchRocket', {})).to.deep.equal([{ path: '', message: 'unknown command type LaunchRocket' }]);
  });

  it('escapes property names in paths (JSON Pointer)', () => {
    expect(validateCommand('DeleteDream', { dreamId, 'a/b~c': 1 })).to.deep.equal([{ path: '/a~1b~0c', message: 'is not allowed' }]);
  });
});

describe('assertValidCommand', () => {
  it('passes a valid command through', () => {
    const data: unknown = { dreamId, status: 'completed' };
    assertValidCommand('ChangeDreamStatus', data);
    expect(data.status).to.equal('completed');
  });

  it('throws a ValidationError carrying every violation', () => {
    try {
      assertValidCommand('CreateDream', { title: 'ab', brand: 'acme' });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      const { status, violations, message } = error as ValidationError;
      expect(status).to.equal(400);
      expect(violations).to.have.length(2);
      expect(message).to.equal(
        'Invalid CreateDream command: /title must have at least 3 characters; /brand must be one of: personal, bc-innovations, bc-studio, mpgworldwide, accordingto',
      );
    }
  });
});

describe('validateEvent', () => {
  it('accepts valid event data', () => {
    expect(validateEvent('FragmentCaptured', 1, example('events/FragmentCaptured'))).to.deep.equal([]);
  });

  it('knows user events too', () => {
    expect(validateEvent('UserDataErased', 1, { userId: 'user-1' })).to.deep.equal([]);
    expect(validateEvent('UserDataErased', 1, { userId: '' })).to.deep.equal([{ path: '/userId', message: 'must have at least 1 character' }]);
  });

  it('rejects an empty change set and a status the event may not carry', () => {
    expect(validateEvent('TodoChanged', 1, { dreamId, todoId: dreamId, changes: {} })).to.deep.equal([
      { path: '/changes', message: 'must have at least 1 property' },
    ]);
    expect(validateEvent('DreamStatusChanged', 1, { dreamId, from: 'idea', to: 'archived' })).to.deep.equal([
      { path: '/to', message: 'must be one of: idea, in_progress, completed' },
    ]);
  });

  it('locates problems deep inside arrays', () => {
    const data = example('events/DreamImported') as { todos: Record<string, unknown>[] };
    data.todos[0]!.priority = 'whenever';
    expect(validateEvent('DreamImported', 1, data)).to.deep.equal([
      { path: '/todos/0/priority', message: 'must be one of: low, medium, high, urgent' },
    ]);
  });

  it('refuses a type or version without a schema', () => {
    expect(validateEvent('FragmentCaptured', 2, {})).to.deep.equal([{ path: '', message: 'no schema for event type FragmentCaptured version 2' }]);
    expect(validateEvent('DreamExploded', 1, {})).to.have.length(1);
  });
});

describe('validateEnvelope and validateMetadata', () => {
  it('accept the examples', () => {
    expect(validateEnvelope(example('envelope/EventEnvelope'))).to.deep.equal([]);
    expect(validateMetadata(example('envelope/EventMetadata'))).to.deep.equal([]);
  });

  it('check the data against the event schema, under /data', () => {
    const envelope = example('envelope/EventEnvelope') as { data: { fragment: Record<string, unknown> } };
    delete envelope.data.fragment.title;
    expect(validateEnvelope(envelope)).to.deep.equal([{ path: '/data/fragment/title', message: "must have required property 'title'" }]);
  });

  it('report envelope and data violations together', () => {
    const envelope = { ...example('envelope/EventEnvelope'), revision: -1, data: { dreamId } };
    expect(validateEnvelope(envelope)).to.have.deep.members([
      { path: '/revision', message: 'must be a string' },
      { path: '/data/fragment', message: "must have required property 'fragment'" },
    ]);
  });

  it('refuse an event type without a schema', () => {
    expect(validateEnvelope({ ...example('envelope/EventEnvelope'), type: 'DreamExploded' })).to.deep.equal([
      { path: '/type', message: 'must be an event type with a schema for version 1' },
    ]);
  });

  it('let metadata carry properties added later, but check the known ones', () => {
    expect(validateMetadata({ ...example('envelope/EventMetadata'), tenant: 'acme' })).to.deep.equal([]);
    expect(validateMetadata({ ...example('envelope/EventMetadata'), traceparent: 'abc', schemaVersion: 0 })).to.have.deep.members([
      { path: '/traceparent', message: 'must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)' },
      { path: '/schemaVersion', message: 'must be at least 1' },
    ]);
  });
});

describe('validateSyncSession', () => {
  it('accepts the example', () => {
    expect(validateSyncSession(example('http/SyncSession'))).to.deep.equal([]);
  });

  it('validates each item against its command schema', () => {
    const session = {
      items: [
        { idempotencyKey: 'k1', command: { type: 'DeleteDream', data: { dreamId: 'x' } } },
        { idempotencyKey: '', command: { type: 'Teleport', data: {} } },
      ],
    };
    expect(validateSyncSession(session)).to.have.deep.members([
      { path: '/items/0/command/data/dreamId', message: 'must be a UUID' },
      { path: '/items/1/idempotencyKey', message: 'must have at least 1 character' },
      { path: '/items/1/command/type', message: `must be one of: ${COMMAND_TYPES.join(', ')}` },
    ]);
  });

  it('needs between 1 and 100 items', () => {
    expect(validateSyncSession({ items: [] })).to.deep.equal([{ path: '/items', message: 'must have at least 1 item' }]);
  });
});

describe('type guards and the validator cache', () => {
  it('recognise event and command types', () => {
    expect(isEventType('FragmentCaptured')).to.equal(true);
    expect(isEventType('CaptureFragment')).to.equal(false);
    expect(isEventType('UserDataErased')).to.equal(false);
    expect(isUserEventType('UserDataErased')).to.equal(true);
    expect(isUserEventType('DreamDeleted')).to.equal(false);
    expect(isCommandType('CaptureFragment')).to.equal(true);
    expect(isCommandType(42)).to.equal(false);
  });

  it('compile each validator once', () => {
    const id = schemaId('commands', 'CaptureFragment', 1);
    expect(validatorFor(id)).to.equal(validatorFor(id));
  });

  it('can compile every validator up front', () => {
    expect(precompileValidators()).to.equal(schemaFiles().length);
    expect(schemaFiles().length).to.be.greaterThan(60);
  });

  it('validate fast once compiled', () => {
    const command = capture();
    validateCommand('CaptureFragment', command);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) validateCommand('CaptureFragment', command);
    const perCallMs = Number(process.hrtime.bigint() - started) / 1e6 / 2000;
    // Recompiling would cost milliseconds per call; a cached validator takes microseconds.
    expect(perCallMs).to.be.lessThan(0.5);
  });
});
