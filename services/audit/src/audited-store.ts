/**
 * The audited event store: the store every writer and reader of dream events should use.
 *
 *     createAuditedStore(inner, { keys })  =  encryption( chain( inner ) )
 *
 * Encryption sits outside, the chain inside. On append, personal fields are encrypted
 * first; the chain then hashes the stored, encrypted form and links it to the stream's
 * previous event. On read, the chain fields are set aside and the fields decrypted (or,
 * after erasure, replaced by placeholders). Because the chain only ever sees ciphertext,
 * destroying a subject's key changes nothing the hashes cover: erasure never breaks
 * verification, and verification never needs a key.
 *
 * The verifiers (verify.ts) read the raw store underneath, which `rawStoreOf` finds.
 */
import type { EventStore } from '@dreamcatcher/event-store';
import { ChainedEventStore } from './chain/chained-store.js';
import { EncryptingEventStore } from './encryption/encrypting-store.js';
import type { DataKeys } from './keys/data-keys.js';

export interface AuditedStoreOptions {
  keys: DataKeys;
  /**
   * Keep `metadata.hash` / `metadata.previousHash` in events read (default false, so that
   * the metadata reads back as written, as the store contract promises). Auditors' history
   * views turn it on to show the chain.
   */
  revealChain?: boolean;
}

export class AuditedEventStore extends EncryptingEventStore {
  constructor(
    /** The undecorated store: raw rows, ciphertext and chain fields as stored. */
    readonly raw: EventStore,
    options: AuditedStoreOptions,
  ) {
    super(new ChainedEventStore(raw, { revealChain: options.revealChain ?? false }), options.keys);
  }
}

/** Wraps `inner` so that every append is encrypted and chained, and every read decrypted. */
export function createAuditedStore(inner: EventStore, options: AuditedStoreOptions): AuditedEventStore {
  return new AuditedEventStore(inner, options);
}

/** The store underneath an audited store (or the store itself): what the verifiers read. */
export function rawStoreOf(store: EventStore): EventStore {
  return store instanceof AuditedEventStore ? store.raw : store;
}
