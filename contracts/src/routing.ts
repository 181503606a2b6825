/** The durable topic exchange every event is published to. */
export const EXCHANGE = 'dreamcatcher.events';

/** `FragmentCaptured` -> `fragment-captured`; runs of capitals stay together (`URLAdded` -> `url-added`). */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** The AMQP routing key of an event: `dream.<kebab-type>.v<schemaVersion>`, e.g. `dream.fragment-captured.v1`. */
export function routingKey(type: string, version: number): string {
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`schema version must be a positive integer, got ${version}`);
  return `dream.${kebabCase(type)}.v${version}`;
}
