import { expect } from 'chai';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { parseCount, parsePosition, toJson } from './context.js';
import { eventJson, eventLine, typeFilter } from './events/format.js';
import { lagRow, lagTable } from './lag/report.js';
import { describeLocation, kindOf } from './store/connection.js';

const event: RecordedEvent = {
  id: '7b0c7c6e-3f8a-4c1e-9a43-1f0e2d3c4b5a',
  type: 'DreamTagged',
  data: { dreamId: 'd', tags: ['ai'] },
  metadata: { userId: 'ana', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-02T03:04:05.678Z', schemaVersion: 1 },
  streamId: 'dream-d',
  revision: 3n,
  position: 12345678901234567n,
};

describe('dreamcatcher CLI pieces', () => {
  it('shows an event as one line, or as the envelope of the AMQP contract with decimal coordinates', () => {
    expect(eventLine(event)).to.equal('12345678901234567  2026-01-02T03:04:05.678Z  DreamTagged  dream-d@3  7b0c7c6e-3f8a-4c1e-9a43-1f0e2d3c4b5a  user ana');
    expect(JSON.parse(eventJson(event))).to.deep.equal({
      eventId: event.id,
      type: 'DreamTagged',
      schemaVersion: 1,
      streamId: 'dream-d',
      revision: '3',
      position: '12345678901234567',
      occurredAt: '2026-01-02T03:04:05.678Z',
      data: event.data,
      metadata: event.metadata,
    });
    expect(toJson({ n: 2n ** 63n - 1n })).to.equal('{"n":"9223372036854775807"}');
  });

  it('filters by types given repeated or comma-separated, and lets everything through without any', () => {
    const filter = typeFilter(['DreamTagged, TodoAdded', 'UserDataErased']);
    expect(['DreamTagged', 'TodoAdded', 'UserDataErased', 'DreamCreated'].map(filter)).to.deep.equal([true, true, true, false]);
    expect(typeFilter([])('Anything')).to.equal(true);
  });

  it('parses positions and counts, refusing anything else as usage', () => {
    expect(parsePosition('0')).to.equal(0n);
    expect(parsePosition('9223372036854775807')).to.equal(2n ** 63n - 1n);
    for (const bad of ['-1', '1.5', 'x', '01', '']) expect(() => parsePosition(bad), bad).to.throw(/position/);
    expect(parseCount('25')).to.equal(25);
    for (const bad of ['0', '-3', 'ten']) expect(() => parseCount(bad), bad).to.throw(/whole number/);
  });

  it('tells PostgreSQL URLs from EventStoreDB connection strings, and names them without secrets', () => {
    expect(kindOf('postgres://u:p@db:5432/dc')).to.equal('postgres');
    expect(kindOf('postgresql://db/dc')).to.equal('postgres');
    expect(kindOf('esdb://admin:changeit@esdb:2113?tls=false')).to.equal('esdb');
    expect(kindOf('esdb+discover://cluster:2113')).to.equal('esdb');
    expect(kindOf('kurrentdb://db:2113')).to.equal('esdb');
    expect(() => kindOf('mysql://secret:pw@db/x')).to.throw('"mysql://db/x" is neither');
    expect(describeLocation('postgres://u:secret@db:5432/dc?sslmode=require')).to.equal('postgres://db:5432/dc');
    expect(describeLocation('esdb://admin:changeit@esdb:2113?tls=false')).to.equal('esdb://esdb:2113');
  });

  it('lays the lag report out as a table, partitions indented under their projection', () => {
    const items = [
      lagRow('relay', 'relay', 100n, { positions: 0n, seconds: 0 }),
      lagRow('dream_detail', 'projection', 90n, { positions: 10n, seconds: 1.26 }),
      lagRow('dream_detail.p0/2', 'partition', 95n, { positions: 5n, seconds: 0.5 }),
      lagRow('catalogue', 'projection', undefined, undefined),
    ];
    expect(items[1]).to.deep.equal({ name: 'dream_detail', kind: 'projection', checkpoint: '90', behindPositions: '10', behindSeconds: 1.3 });
    expect(lagTable({ head: '100', items })).to.deep.equal([
      'store head 100',
      'NAME                 CHECKPOINT  BEHIND (positions)  BEHIND (s)',
      'relay                       100                   0         0.0',
      'dream_detail                 90                  10         1.3',
      '  dream_detail.p0/2          95                   5         0.5',
      'catalogue                  none                   0         0.0',
    ]);
  });
});
