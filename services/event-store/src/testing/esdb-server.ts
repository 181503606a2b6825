/**
 * An EventStoreDB server for the adapter's tests: the one EVENTSTORE_CONNECTION_STRING
 * names (`esdb://localhost:2113?tls=false` for a server started with `--insecure`; `$all`
 * reads need a user allowed to read it on a secure one), or else a KurrentDB container
 * that testcontainers starts where a container runtime answers. With neither, the suite is
 * skipped and says why.
 */
import { EsdbEventStore } from '../esdb/esdb-store.js';

/** The image docker-compose.yml runs. */
export const KURRENTDB_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1';

interface Server {
  connectionString: string;
  stop(): Promise<void>;
}

async function findServer(): Promise<Server | { unavailable: string }> {
  const configured = process.env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (configured) return { connectionString: configured, stop: async () => undefined };
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    return { unavailable: `EVENTSTORE_CONNECTION_STRING is not set and no container runtime answers (${(error as Error).message})` };
  }
  const container = await new GenericContainer(KURRENTDB_IMAGE)
    .withEnvironment({ KURRENTDB_CLUSTER_SIZE: '1', KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113))
    .withStartupTimeout(120_000)
    .start();
  return {
    connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: async () => void (await container.stop()),
  };
}

/** Fails fast, with a clear message, when the server named cannot be reached. */
async function probe(connectionString: string): Promise<void> {
  const store = new EsdbEventStore(connectionString);
  try {
    await Promise.race([store.headPosition(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref())]);
  } catch (error) {
    throw new Error(`EventStoreDB at ${connectionString.replace(/\/\/[^@/]*@/, '//***@')} is not reachable: ${(error as Error).message}`);
  } finally {
    await store.close();
  }
}

/**
 * Mocha hooks for the suite around the call: an EventStoreDB server for its tests
 * (`connectionString` is set once its `before` has run), stopped afterwards if this started
 * it; or, without one, every test of the suite skipped with the reason printed.
 */
export function useEventStoreDb(what: string): { readonly connectionString: string } {
  const holder = { connectionString: '' };
  let server: Server | undefined;
  before(async function () {
    this.timeout(180_000);
    const found = await findServer();
    if ('unavailable' in found) {
      console.log(`      ${what} skipped: ${found.unavailable}`);
      this.skip();
    }
    server = found;
    await probe(found.connectionString);
    holder.connectionString = found.connectionString;
  });
  after(async function () {
    this.timeout(60_000);
    await server?.stop();
  });
  return holder;
}
