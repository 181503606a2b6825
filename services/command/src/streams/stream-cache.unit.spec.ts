import { expect } from 'chai';
import { dreamDecider } from '@dreamcatcher/domain';
import { StreamCache, type StreamEntry } from './stream-cache.js';

const entry = (bytes: number, subjects: string[] = []): StreamEntry => ({
  state: dreamDecider.initialState(),
  revision: 0n,
  position: 1n,
  caused: new Map(),
  subjects: new Set(subjects),
  bytes,
});

describe('stream cache', () => {
  it('drops the least recently used entry past its count', () => {
    const cache = new StreamCache({ maxEntries: 2, maxBytes: 1_000 });
    cache.set('a', entry(1));
    cache.set('b', entry(1));
    cache.get('a');
    cache.set('c', entry(1));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).to.deep.equal([true, false, true]);
  });

  it('drops the least recently used entries past its bytes, and never keeps one larger than the whole', () => {
    const cache = new StreamCache({ maxEntries: 10, maxBytes: 100 });
    cache.set('a', entry(40));
    cache.set('b', entry(40));
    cache.set('c', entry(40));
    expect(cache.size).to.equal(2);
    expect(cache.bytes).to.equal(80);
    expect(cache.get('a')).to.equal(undefined);
    cache.set('huge', entry(101));
    expect(cache.get('huge')).to.equal(undefined);
    cache.set('b', entry(10));
    expect(cache.bytes).to.equal(50);
  });

  it('forgets every entry holding data of an erased person', () => {
    const cache = new StreamCache({ maxEntries: 10, maxBytes: 100 });
    cache.set('alice-1', entry(1, ['alice']));
    cache.set('alice-2', entry(1, ['alice', 'bob']));
    cache.set('bob-1', entry(1, ['bob']));
    expect(cache.subjects()).to.deep.equal(new Set(['alice', 'bob']));
    expect(cache.forgetSubjects(new Set(['alice']))).to.equal(2);
    expect(cache.get('bob-1')).not.to.equal(undefined);
    expect(cache.size).to.equal(1);
  });
});
