/**
 * `infra/rabbitmq/definitions.json`: the same topology the services declare at start-up,
 * in the format `rabbitmqctl import_definitions` (and the management plugin's
 * `load_definitions`) reads, for operators who provision a broker ahead of the services.
 * Generated from the kit's `brokerDefinitions`; a test keeps the committed file equal to it.
 * The committed file has no partitioned projection; for a deployment that partitions some,
 * generate its own with the same `PROJECTION_PARTITIONS` (see generate-definitions.ts).
 */
import { brokerDefinitionsFor, type PartitionCounts, PROJECTION_NAMES } from '@dreamcatcher/service-kit';

/** The committed file, relative to this module (same depth under src/ and dist/). */
export const DEFINITIONS_FILE = new URL('../../../../infra/rabbitmq/definitions.json', import.meta.url);

export function renderDefinitions(vhost = '/', partitions: PartitionCounts = new Map()): string {
  return `${JSON.stringify(brokerDefinitionsFor(PROJECTION_NAMES, partitions, vhost), null, 2)}\n`;
}
