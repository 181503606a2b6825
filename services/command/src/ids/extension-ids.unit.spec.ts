import { expect } from 'chai';
import { isCanonicalUuid } from '@dreamcatcher/contracts';
import { capturedDreamId, extensionDreamId, extensionFragmentId } from './extension-ids.js';

describe('command service: ids of the extension\'s local ids', () => {
  it('are the same UUID for the same caller and local id, and differ otherwise', () => {
    const id = extensionDreamId('carol', 'dream_1732000000000');
    expect(isCanonicalUuid(id)).to.equal(true);
    expect(extensionDreamId('carol', 'dream_1732000000000')).to.equal(id);
    expect(extensionDreamId('dave', 'dream_1732000000000')).to.not.equal(id);
    expect(extensionDreamId('carol', 'dream_1732000000001')).to.not.equal(id);
  });

  it('keep fragments apart by dream and by user, with separators that cannot be forged', () => {
    const id = extensionFragmentId('carol', 'dream_1', 'frag_1');
    expect(extensionFragmentId('carol', 'dream_1', 'frag_1')).to.equal(id);
    expect(extensionFragmentId('carol', 'dream_2', 'frag_1')).to.not.equal(id);
    expect(extensionFragmentId('carol', 'dream_1', 'frag_2')).to.not.equal(id);
    expect(extensionFragmentId('carol', 'dream_1', 'frag_1')).to.not.equal(extensionDreamId('carol', 'dream_1\nfrag_1'));
  });

  it('name one dream for a name however it is cased or padded', () => {
    expect(capturedDreamId('carol', ' My Ideas ')).to.equal(capturedDreamId('carol', 'my ideas'));
    expect(capturedDreamId('carol', 'my ideas')).to.not.equal(capturedDreamId('dave', 'my ideas'));
  });
});
