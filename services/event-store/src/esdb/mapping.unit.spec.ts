import { expect } from 'chai';
import {
  ANY,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError as EsdbStreamDeletedError,
  WrongExpectedVersionError,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { PayloadTooLargeError } from '@dreamcatcher/service-kit/errors';
import { StreamDeletedError, WrongExpectedRevisionError } from '../errors.js';
import { anEvent } from '../testing/fixtures.js';
import { fromEsdbError, fromEsdbEvent, fromEsdbPosition, isSystemEvent, toEsdbExpectedRevision, toEsdbPosition, toEventData } from './mapping.js';

describe('EventStoreDB mapping', () => {
  it('maps expected revisions', () => {
    expect(toEsdbExpectedRevision('any')).to.equal(ANY);
    expect(toEsdbExpectedRevision('no_stream')).to.equal(NO_STREAM);
    expect(toEsdbExpectedRevision(-1n)).to.equal(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).to.equal(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(7n)).to.equal(7n);
  });

  it('maps positions to the commit position and back to a commit/prepare pair', () => {
    expect(toEsdbPosition(1234n)).to.deep.equal({ commit: 1234n, prepare: 1234n });
    expect(fromEsdbPosition({ commit: 1234n, prepare: 1234n })).to.equal(1234n);
    expect(fromEsdbPosition(undefined)).to.equal(-1n);
    expect(fromEsdbPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }), 'an old server\'s "no position"').to.equal(-1n);
  });

  it('writes events as JSON with their id, type and metadata', () => {
    const event = anEvent('Created', { title: 'x' });
    expect(toEventData(event)).to.deep.equal({ id: event.id, contentType: 'application/json', type: 'Created', data: { title: 'x' }, metadata: event.metadata });
  });

  it('reads a recorded event into ours', () => {
    const event = anEvent('Created', { title: 'x' });
    const recorded = {
      streamId: 'dream-1',
      id: event.id,
      isJson: true,
      revision: 3n,
      type: 'Created',
      created: new Date(),
      data: { title: 'x' },
      metadata: event.metadata,
      position: { commit: 99n, prepare: 99n },
    } as EsdbRecordedEvent;
    expect(fromEsdbEvent(recorded)).to.deep.equal({ ...event, streamId: 'dream-1', revision: 3n, position: 99n });
  });

  it('tells system events apart', () => {
    expect(isSystemEvent({ type: '$streamDeleted', streamId: 'dream-1' })).to.equal(true);
    expect(isSystemEvent({ type: '$metadata', streamId: '$$dream-1' })).to.equal(true);
    expect(isSystemEvent({ type: 'Anything', streamId: '$stats-127.0.0.1:2113' })).to.equal(true);
    expect(isSystemEvent({ type: 'DreamCreated', streamId: 'dream-1' })).to.equal(false);
  });

  it('maps a wrong expected version to ours with the actual revision', () => {
    const existing = fromEsdbError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 4n }), 's', 1n);
    expect(existing).to.be.instanceOf(WrongExpectedRevisionError).and.to.include({ streamId: 's', expected: 1n, actual: 4n });
    const missing = fromEsdbError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: NO_STREAM }), 's', 'stream_exists');
    expect(missing).to.be.instanceOf(WrongExpectedRevisionError).and.to.include({ expected: 'stream_exists', actual: -1n });
  });

  it('maps deleted streams and oversized appends, and passes anything else through', () => {
    expect(fromEsdbError(EsdbStreamDeletedError.fromStreamName('s'), 's', 'any')).to.be.instanceOf(StreamDeletedError);
    expect(fromEsdbError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), 's', 'any')).to.be.instanceOf(PayloadTooLargeError);
    const other = new Error('network');
    expect(fromEsdbError(other, 's', 'any')).to.equal(other);
  });
});
