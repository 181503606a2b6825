/**
 * Crypto-shredding as an EventStore decorator: personal fields are encrypted on append
 * under their data subject's key and decrypted on read; once the key is erased they read
 * as placeholders (personal-fields.ts). What the inner store keeps — and what the hash
 * chain beneath this layer hashes — is the ciphertext, so erasing a key changes no stored
 * byte and every chain still verifies.
 *
 * Schema limits (lengths, formats, enums) apply to the decrypted form; the stored form of
 * a personal field is always a string and is internal to this layer.
 */
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '@dreamcatcher/event-store';
import type { DataKeys } from '../keys/data-keys.js';
import { decryptEvent, encryptEvent, hasPersonalData, requireSubject, subjectsOf } from './event-cipher.js';

export class EncryptingEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    private readonly keys: DataKeys,
  ) {}

  async appendToStream(streamId: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, await this.encrypt(streamId, events), options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.decrypt(await this.inner.readStream(streamId, options));
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const page = await this.inner.readAll(options);
    return { ...page, events: await this.decrypt(page.events) };
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll({ ...options, onEvent: async (event) => options.onEvent((await this.decrypt([event]))[0]!) });
  }

  streamExists(streamId: string): Promise<boolean> {
    return this.inner.streamExists(streamId);
  }

  deleteStream(streamId: string): Promise<void> {
    return this.inner.deleteStream(streamId);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async encrypt(streamId: string, events: EventToAppend[]): Promise<EventToAppend[]> {
    const keys = new Map<string, Buffer>();
    const encrypted: EventToAppend[] = [];
    for (const [index, event] of events.entries()) {
      if (!event || !hasPersonalData(event)) {
        encrypted.push(event);
        continue;
      }
      const subjectId = requireSubject(event, index);
      let key = keys.get(subjectId);
      if (!key) keys.set(subjectId, (key = await this.keys.keyForWriting(subjectId)));
      encrypted.push(encryptEvent(event, streamId, subjectId, key));
    }
    return encrypted;
  }

  /** One key lookup for all subjects of a batch, then decryption. */
  private async decrypt(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjects = new Set<string>();
    for (const event of events) subjectsOf(event, subjects);
    if (subjects.size === 0) return events;
    const keys = await this.keys.keysForReading(subjects);
    return events.map((event) => decryptEvent(event, (subjectId) => keys.get(subjectId)));
  }
}
