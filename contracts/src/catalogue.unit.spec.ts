import { expect } from 'chai';
import {
  BRANDS,
  CAPTURE_MODES,
  ALL_EVENT_TYPES,
  currentEventVersion,
  COMMAND_TYPES,
  DREAM_STATUSES,
  EVENT_TYPES,
  SYNC_OUTCOMES,
  TODO_PRIORITIES,
  TODO_SOURCES,
  TODO_STATUSES,
  USER_EVENT_TYPES,
} from './catalogue.js';
import { EXCHANGE, kebabCase, routingKey } from './routing.js';
import { loadSchemaFiles, type JsonSchema } from './schema-files.js';

const files = loadSchemaFiles();
const schema = (path: string): JsonSchema => {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path}`);
  return file.schema;
};
const property = (path: string, ...keys: string[]): JsonSchema =>
  keys.reduce<JsonSchema>((node, key) => (node.properties as Record<string, JsonSchema>)[key]!, schema(path));

describe('catalogue constants', () => {
  it('list exactly the event and command schema files', () => {
    const names = (kind: string) => [...new Set(files.filter((f) => f.kind === kind).map((f) => f.name))].sort();
    expect([...ALL_EVENT_TYPES].sort()).to.deep.equal(names('events'));
    expect([...COMMAND_TYPES].sort()).to.deep.equal(names('commands'));
    expect(new Set(EVENT_TYPES).size).to.equal(21);
    expect(new Set(ALL_EVENT_TYPES).size).to.equal(22);
    expect(new Set(COMMAND_TYPES).size).to.equal(20);
  });

  it('write each event type in its newest schema version', () => {
    for (const type of ALL_EVENT_TYPES) {
      const newest = Math.max(...files.filter((f) => f.kind === 'events' && f.name === type).map((f) => f.version));
      expect(currentEventVersion(type), type).to.equal(newest);
    }
  });

  it('puts dream events in dream streams and user events in user streams', () => {
    const required = (type: string) => schema(`events/${type}.v1.schema.json`).required as string[];
    for (const type of EVENT_TYPES) expect(required(type), type).to.include('dreamId');
    for (const type of USER_EVENT_TYPES) expect(required(type), type).to.include('userId').and.not.include('dreamId');
  });

  const enums: [string, readonly string[]][] = [
    ['Brand', BRANDS],
    ['DreamStatus', DREAM_STATUSES],
    ['CaptureMode', CAPTURE_MODES],
    ['TodoPriority', TODO_PRIORITIES],
    ['TodoStatus', TODO_STATUSES],
    ['TodoSource', TODO_SOURCES],
    ['SyncOutcome', SYNC_OUTCOMES],
  ];
  for (const [name, values] of enums) {
    it(`${name} equals the enum of common/${name}.v1.schema.json, in order`, () => {
      expect([...values]).to.deep.equal(schema(`common/${name}.v1.schema.json`).enum);
    });
  }

  it('narrowed enums in events are subsets of the shared ones', () => {
    expect(property('events/DreamStatusChanged.v1.schema.json', 'to').enum).to.deep.equal(DREAM_STATUSES.filter((s) => s !== 'archived'));
    expect(property('events/TodoChanged.v1.schema.json', 'changes', 'status').enum).to.deep.equal(TODO_STATUSES.filter((s) => s !== 'completed'));
  });

  it('ReportSync has one branch per sync outcome', () => {
    const branches = schema('commands/ReportSync.v1.schema.json').oneOf as JsonSchema[];
    expect(branches.map((b) => (b.properties as Record<string, JsonSchema>).status!.const)).to.deep.equal([...SYNC_OUTCOMES]);
  });

  it('the sync session accepts exactly the command types', () => {
    const command = (schema('http/SyncSession.v1.schema.json').properties as Record<string, JsonSchema>).items!;
    const branches = ((command.items as JsonSchema).properties as Record<string, JsonSchema>).command!.oneOf as JsonSchema[];
    expect(branches.map((b) => (b.properties as Record<string, JsonSchema>).type!.const)).to.deep.equal([...COMMAND_TYPES]);
  });
});

describe('routing', () => {
  it('names the exchange', () => expect(EXCHANGE).to.equal('dreamcatcher.events'));

  it('kebab-cases type names', () => {
    expect(kebabCase('FragmentCaptured')).to.equal('fragment-captured');
    expect(kebabCase('DreamSyncFailed')).to.equal('dream-sync-failed');
    expect(kebabCase('URLAdded')).to.equal('url-added');
    expect(kebabCase('Todo2Added')).to.equal('todo2-added');
  });

  it('builds dream.<kebab-type>.v<version> keys', () => {
    expect(routingKey('FragmentCaptured', 1)).to.equal('dream.fragment-captured.v1');
    expect(routingKey('ImplementationCompleted', 2)).to.equal('dream.implementation-completed.v2');
  });

  it('gives every event type its own key', () => {
    expect(new Set(ALL_EVENT_TYPES.map((t) => routingKey(t, 1))).size).to.equal(ALL_EVENT_TYPES.length);
  });

  it('routes user events under the same prefix', () => {
    expect(USER_EVENT_TYPES.map((t) => routingKey(t, 1))).to.deep.equal(['dream.user-data-erased.v1']);
  });

  it('refuses a version that is not a positive integer', () => {
    expect(() => routingKey('DreamCreated', 0)).to.throw(RangeError);
    expect(() => routingKey('DreamCreated', 1.5)).to.throw(RangeError);
  });
});
