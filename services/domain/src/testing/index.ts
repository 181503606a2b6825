export { DeciderSpecification, type DeciderThen } from './decider-specification.js';
export * from './dream-fixtures.js';
