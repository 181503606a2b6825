/**
 * The contract suite against a real EventStoreDB: the server EVENTSTORE_CONNECTION_STRING
 * names, or a KurrentDB container where a container runtime answers (see
 * `testing/esdb-server.ts`); skipped with the reason printed otherwise. Without a runtime:
 *   docker run -d -p 2113:2113 docker.kurrent.io/kurrent-latest/kurrentdb:25.1 --insecure --run-projections=None
 *   EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' npx mocha services/event-store/src/esdb/esdb-store.int.spec.ts
 */
import { createEventStore } from '../factory.js';
import { eventStoreContractSuite } from '../testing/index.js';
import { useEventStoreDb } from '../testing/esdb-server.js';

describe('EventStoreDB event store', () => {
  const server = useEventStoreDb('EventStoreDB contract suite');
  eventStoreContractSuite('EventStoreDB', () => createEventStore({ kind: 'esdb', connectionString: server.connectionString }));
});
