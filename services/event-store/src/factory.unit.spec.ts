import { expect } from 'chai';
import type { Pool } from '@dreamcatcher/service-kit';
import { createEventStore, eventStoreConfigFrom } from './factory.js';
import { EsdbEventStore } from './esdb/esdb-store.js';

describe('choosing the event store', () => {
  const pool = {} as Pool;

  it('maps EVENT_STORE=postgres to the pool and esdb to the connection string', () => {
    expect(eventStoreConfigFrom({ eventStore: 'postgres', eventStoreConnectionString: undefined }, pool)).to.deep.equal({ kind: 'postgres', pool });
    expect(eventStoreConfigFrom({ eventStore: 'esdb', eventStoreConnectionString: 'esdb://h:2113?tls=false' }, pool)).to.deep.equal({
      kind: 'esdb',
      connectionString: 'esdb://h:2113?tls=false',
    });
  });

  it('refuses esdb without a connection string, naming the variable', () => {
    expect(() => eventStoreConfigFrom({ eventStore: 'esdb', eventStoreConnectionString: undefined }, pool)).to.throw(/EVENTSTORE_CONNECTION_STRING/);
  });

  it('creates the EventStoreDB store without connecting until it is used', async () => {
    const store = await createEventStore({ kind: 'esdb', connectionString: 'esdb://127.0.0.1:1?tls=false' });
    expect(store).to.be.instanceOf(EsdbEventStore);
    await store.close();
  });
});
