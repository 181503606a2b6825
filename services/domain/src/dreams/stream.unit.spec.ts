import { expect } from 'chai';
import { dreamIdFromStreamId, dreamStreamId } from './stream.js';

describe('dream stream ids', () => {
  const id = '3f0c5a7e-2b1d-4c8e-9a6f-1d2e3f4a5b6c';

  it('names a dream stream dream-<id> and reads the id back', () => {
    expect(dreamStreamId(id)).to.equal(`dream-${id}`);
    expect(dreamIdFromStreamId(dreamStreamId(id))).to.equal(id);
  });

  it('names one stream for a dream whatever the case of its id', () => {
    expect(dreamStreamId(id.toUpperCase())).to.equal(`dream-${id}`);
  });

  it('reads no dream id from other streams', () => {
    expect(dreamIdFromStreamId('$all')).to.equal(undefined);
    expect(dreamIdFromStreamId('dream-')).to.equal(undefined);
    expect(dreamIdFromStreamId(`user-${id}`)).to.equal(undefined);
  });
});
