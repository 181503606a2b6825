/**
 * `infra/rabbitmq/definitions.json`: the same topology the services declare at start-up,
 * in the format `rabbitmqctl import_definitions` (and the management plugin's
 * `load_definitions`) reads, for operators who provision a broker ahead of the services.
 * Generated from the kit's `brokerDefinitions`; a test keeps the committed file equal to it.
 */
import { brokerDefinitions, PROJECTION_NAMES } from '@dreamcatcher/service-kit';

/** The committed file, relative to this module (same depth under src/ and dist/). */
export const DEFINITIONS_FILE = new URL('../../../../infra/rabbitmq/definitions.json', import.meta.url);

export function renderDefinitions(vhost = '/'): string {
  return `${JSON.stringify(brokerDefinitions([...PROJECTION_NAMES], vhost), null, 2)}\n`;
}
