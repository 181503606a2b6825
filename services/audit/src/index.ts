/**
 * @dreamcatcher/audit: tamper evidence (a hash chain per stream and its verifiers),
 * erasure by crypto-shredding, history paging and export, and time travel — as functions
 * over the EventStore interface, for the services and the gateway to wire in.
 */
export { AuditedEventStore, createAuditedStore, rawStoreOf, type AuditedStoreOptions } from './audited-store.js';
export { readAuditConfig, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, type AuditConfig } from './config.js';

export { canonicalJson } from './chain/canonical-json.js';
export { chainEvents, genesisHash, hashEvent, type ChainTail, type HashedEvent } from './chain/event-hash.js';
export { ChainedEventStore, type ChainedEventStoreOptions } from './chain/chained-store.js';
export {
  toHistoryVerification,
  verifyAll,
  verifyDream,
  verifyStream,
  type BrokenLink,
  type BrokenLinkReason,
  type DreamVerification,
  type StoreVerification,
  type StreamVerification,
  type VerifyAllOptions,
  type VerifyAllProgress,
} from './chain/verify.js';

export { EncryptingEventStore } from './encryption/encrypting-store.js';
export { subjectOf } from './encryption/event-cipher.js';
export { FieldDecryptionError, ENCRYPTED_PREFIX } from './encryption/field-cipher.js';
export { ERASED_TEXT, ERASED_URL, PERSONAL_FIELDS } from './encryption/personal-fields.js';

export { SubjectErasedError, type DataKeys, type Erasure } from './keys/data-keys.js';
export { AUDIT_MIGRATIONS, migrateAudit, PostgresDataKeys, type PostgresDataKeysOptions } from './keys/postgres-data-keys.js';
export { eraseKnownSubject, eraseSubject, erasureEventId, userStreamId, USER_DATA_ERASED, type EraseOptions, type ErasureResult } from './erasure/erase-subject.js';

export { readDreamHistoryPage, readHistoryPage, MAX_HISTORY_LIMIT, type HistoryPage, type HistoryPageOptions } from './history/history-page.js';
export { exportNdjson, type ExportOptions, type ExportRange, type ExportResult } from './history/export-ndjson.js';
export { toEventView, type EventView } from './history/event-view.js';
export { decodeCursor, encodeCursor, type HistoryCursor } from './history/cursor.js';
export type { HistoryFilter } from './history/filter.js';

export { dreamStateAt, type DreamStateAt, type PointInHistory } from './time-travel/dream-state-at.js';
