/**
 * The gateway's views of the event store for history, audit and erasure. Both read through
 * the audited store, so personal fields arrive decrypted (placeholders once erased); they
 * differ only in whether the hash chain shows. One key store serves both, so an erasure
 * made here is seen at once by every read here.
 */
import { createAuditedStore, type DataKeys } from '@dreamcatcher/audit';
import type { EventStore } from '@dreamcatcher/event-store';

export interface AuditAccess {
  /** Chain fields hidden: owners' history, and the store erasure appends through. */
  store: EventStore;
  /** Chain fields shown (`metadata.hash`, `metadata.previousHash`): auditors' views. */
  auditorStore: EventStore;
  keys: DataKeys;
}

/** Audited views over `raw`, the undecorated store (which verification reads underneath). */
export function auditAccess(raw: EventStore, keys: DataKeys): AuditAccess {
  return {
    store: createAuditedStore(raw, { keys }),
    auditorStore: createAuditedStore(raw, { keys, revealChain: true }),
    keys,
  };
}
