import { expect } from 'chai';
import { COMMAND_TYPES } from '@dreamcatcher/contracts';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { COMMAND_ROLES, commandData, entityTag, expectedRevisionFrom, idempotencyKeyFrom } from './command-input.js';
import { COMMAND_ROUTES } from './command-routes.js';

const DREAM = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('command input', () => {
  it('merges the body with the path ids', () => {
    expect(commandData({ title: 'x' }, { dreamId: DREAM })).to.deep.equal({ title: 'x', dreamId: DREAM });
    expect(commandData(undefined, { dreamId: DREAM })).to.deep.equal({ dreamId: DREAM });
    expect(commandData({ dreamId: DREAM.toUpperCase() }, { dreamId: DREAM })).to.deep.equal({ dreamId: DREAM });
  });

  it('refuses a body that is not an object or names another id than the path', () => {
    expect(() => commandData([1], {})).to.throw(ValidationError);
    expect(() => commandData('text', {})).to.throw(ValidationError);
    try {
      commandData({ dreamId: 'b0000000-0000-4000-8000-000000000001' }, { dreamId: DREAM });
      expect.fail('accepted');
    } catch (error) {
      expect((error as ValidationError).violations).to.deep.equal([{ path: '/dreamId', message: 'must match the id in the path' }]);
    }
  });

  it('reads If-Match as the expected revision', () => {
    expect(expectedRevisionFrom(undefined)).to.equal(undefined);
    expect(expectedRevisionFrom('"7"')).to.equal('7');
    expect(expectedRevisionFrom('W/"12"')).to.equal('12');
    expect(expectedRevisionFrom('3')).to.equal('3');
    expect(() => expectedRevisionFrom('"abc"')).to.throw(ValidationError);
    expect(() => expectedRevisionFrom('*')).to.throw(ValidationError);
  });

  it('accepts idempotency keys of 1 to 200 visible characters', () => {
    expect(idempotencyKeyFrom('capture-42')).to.equal('capture-42');
    expect(() => idempotencyKeyFrom('')).to.throw(ValidationError);
    expect(() => idempotencyKeyFrom('a'.repeat(201))).to.throw(ValidationError);
    expect(() => idempotencyKeyFrom('has space')).to.throw(ValidationError);
  });

  it('tags answers with the revision', () => {
    expect(entityTag({ etag: '"4"' }, { revision: '9' })).to.equal('"4"');
    expect(entityTag({}, { revision: '9' })).to.equal('"9"');
    expect(entityTag({}, {})).to.equal(undefined);
  });

  it('lets integrations (not users) report back, and users (not auditors) do everything else', () => {
    expect(COMMAND_ROLES.ReportSync).to.include('integration').and.not.include('user');
    expect(COMMAND_ROLES.CompleteImplementation).to.include('integration').and.not.include('user');
    expect(COMMAND_ROLES.CaptureFragment).to.include('user').and.not.include('auditor');
    for (const type of COMMAND_TYPES) expect(COMMAND_ROLES[type], type).to.not.include('auditor');
  });

  it('routes every command a caller can send over HTTP', () => {
    const routed = new Set(COMMAND_ROUTES.map((route) => route.type));
    // Archiving and completing a todo go through the status routes.
    expect(COMMAND_TYPES.filter((type) => !routed.has(type))).to.deep.equal(['ArchiveDream', 'CompleteTodo']);
  });
});
