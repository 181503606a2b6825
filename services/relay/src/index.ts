export { startRelay, type Relay, type RelayOptions } from './relay.js';
export { transform, encodeEnvelope, TransformError, type RelayMessage } from './publishing/transform.js';
export { declareTopology } from './topology/declare.js';
export { renderDefinitions } from './topology/definitions.js';
export { migrateRelay, readCheckpoint, RELAY_MIGRATIONS } from './checkpoint/checkpoints.js';
export { lockKey, type LeaderState } from './leadership/leader-lock.js';
