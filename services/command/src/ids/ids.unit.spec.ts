import { expect } from 'chai';
import { derivedIds, eventId, nameBasedUuid, randomIds } from './ids.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('command ids', () => {
  it('computes standard version 5 UUIDs', () => {
    // RFC 9562's DNS namespace and a widely published vector.
    expect(nameBasedUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('derives the same ids on every retry of one key', () => {
    const first = derivedIds('user-1', 'key-1', 'hash');
    const again = derivedIds('user-1', 'key-1', 'hash');
    expect(first.commandId).to.match(UUID_V5).and.equal(again.commandId);
    expect(first.id('dream')).to.equal(again.id('dream'));
    expect(first.id('fragment', 2)).to.equal(again.id('fragment', 2));
    expect(eventId(first.commandId, 0)).to.equal(eventId(again.commandId, 0));
  });

  it('gives each purpose, index and event its own id', () => {
    const ids = derivedIds('user-1', 'key-1', 'hash');
    const all = [ids.commandId, ids.id('dream'), ids.id('fragment'), ids.id('fragment', 0), ids.id('fragment', 1), eventId(ids.commandId, 0), eventId(ids.commandId, 1)];
    expect(new Set(all).size).to.equal(all.length);
  });

  it('gives a different request under the same key other ids', () => {
    expect(derivedIds('user-1', 'key-1', 'hash').id('dream')).not.to.equal(derivedIds('user-1', 'key-1', 'other').id('dream'));
  });

  it('scopes keys per user', () => {
    expect(derivedIds('user-1', 'key-1', 'hash').commandId).not.to.equal(derivedIds('user-2', 'key-1', 'hash').commandId);
    // Moving the separator between user id and key must not make the same name.
    expect(derivedIds('a:b', 'c', 'hash').commandId).not.to.equal(derivedIds('a', 'b:c', 'hash').commandId);
  });

  it('draws random ids without a key, stable per purpose within one command', () => {
    const ids = randomIds();
    expect(ids.commandId).to.match(UUID_V4);
    expect(ids.id('dream')).to.match(UUID_V4).and.equal(ids.id('dream'));
    expect(ids.id('todo', 0)).not.to.equal(ids.id('todo', 1));
    expect(randomIds().commandId).not.to.equal(ids.commandId);
  });
});
