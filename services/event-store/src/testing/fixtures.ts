import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventMetadata, EventStore, EventToAppend } from '../event-store.js';

/** What every contract case gets: the store under test, set once the suite's `before` ran. */
export interface SuiteContext {
  store: EventStore;
  /** Makes a fresh store on the same backing database (for subscribers that must own one). */
  createStore: () => Promise<EventStore>;
}

/** A stream no other test (or earlier run against a shared server) has touched. */
export function uniqueStream(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

export function someMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    userId: 'user-1',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2026-01-02T03:04:05.678Z',
    schemaVersion: 1,
    ...overrides,
  };
}

export function anEvent(type = 'ThingHappened', data: unknown = { n: 1 }, metadata: Partial<EventMetadata> = {}): EventToAppend {
  return { id: randomUUID(), type, data, metadata: someMetadata(metadata) };
}

export function someEvents(count: number, type = 'ThingHappened'): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => anEvent(type, { index }));
}

export function expectStrictlyIncreasing(values: bigint[], what = 'positions'): void {
  for (let index = 1; index < values.length; index++) {
    if (!(values[index]! > values[index - 1]!)) {
      expect.fail(`${what} not strictly increasing at ${index}: ${values[index - 1]} then ${values[index]}`);
    }
  }
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Awaits `promise`, expecting it to reject with an instance of `errorClass`, and returns that error. */
export async function rejection<E>(promise: Promise<unknown>, errorClass: ErrorClass<E>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(errorClass);
    return error as E;
  }
  return expect.fail(`expected a rejection with ${errorClass.name}`);
}
