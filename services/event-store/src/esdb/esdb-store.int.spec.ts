/**
 * The contract suite against a real EventStoreDB, enabled by EVENTSTORE_CONNECTION_STRING
 * (e.g. `esdb://localhost:2113?tls=false` for a server started with `--insecure`; `$all`
 * reads need a user allowed to read it, e.g. `esdb://admin:changeit@host:2113`).
 *
 * Where a container runtime exists, start one and point the variable at it:
 *   docker run -d -p 2113:2113 eventstore/eventstore:24.10 --insecure --run-projections=None
 * (testcontainers' GenericContainer can do the same from a test; it is not installed here,
 * and without a runtime or the variable the suite is skipped with the reason printed.)
 */
import { createEventStore } from '../factory.js';
import { eventStoreContractSuite } from '../testing/index.js';
import { EsdbEventStore } from './esdb-store.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();

if (!connectionString) {
  const reason = 'EVENTSTORE_CONNECTION_STRING is not set, so there is no EventStoreDB server to run against';
  describe('EventStoreDB event store', () => {
    console.log(`EventStoreDB contract suite skipped: ${reason}`);
    it(`passes the event store contract (skipped: ${reason})`);
  });
} else {
  describe('EventStoreDB event store', () => {
    // Fail the whole suite at once, and fast, when the server cannot be reached.
    before(async function () {
      this.timeout(15_000);
      const probe = new EsdbEventStore(connectionString);
      try {
        await Promise.race([
          probe.headPosition(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref()),
        ]);
      } catch (error) {
        throw new Error(`EventStoreDB at EVENTSTORE_CONNECTION_STRING is not reachable: ${(error as Error).message}`);
      } finally {
        await probe.close();
      }
    });

    eventStoreContractSuite('EventStoreDB', () => createEventStore({ kind: 'esdb', connectionString }));
  });
}
