import { ConflictError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { aFragment, DeciderSpecification, DREAM_ID, dreamCreated, fragmentCaptured, metadataOf } from '../testing/index.js';
import { dreamDecider } from './decider.js';
import { MAX_FRAGMENT_CHARS, MAX_FRAGMENTS } from './size.js';

const spec = DeciderSpecification.for(dreamDecider);
const metadata = metadataOf();
const id = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const isTooLarge = (error: ConflictError) => expect(error.code).to.equal('dream_too_large');

describe('the size of a dream', () => {
  const add = (fragmentId: string, content = 'more') => ({
    type: 'AddFragment' as const,
    data: { dreamId: DREAM_ID, fragmentId, title: 'One more', content, source: 'claude' },
    metadata,
  });

  it(`refuses a fragment past ${MAX_FRAGMENTS} with 409 dream_too_large`, () => {
    const full = Array.from({ length: MAX_FRAGMENTS }, (_, i) => fragmentCaptured(aFragment({ fragmentId: id(i) })));
    spec.given([dreamCreated(), ...full]).when(add(id(MAX_FRAGMENTS))).thenThrows(ConflictError, isTooLarge);
  });

  it(`refuses fragments past ${MAX_FRAGMENT_CHARS} characters in all, whether added or grown by an edit`, () => {
    const big = 'x'.repeat(MAX_FRAGMENT_CHARS / 2);
    const given = [dreamCreated(), fragmentCaptured(aFragment({ fragmentId: id(1), content: big }))];
    spec.given(given).when(add(id(2), big)).thenThrows(ConflictError, isTooLarge);
    spec.given(given).when(add(id(2), 'x'.repeat(1000))).then([{ type: 'FragmentCaptured', data: { dreamId: DREAM_ID, fragment: aFragment({ fragmentId: id(2), title: 'One more', content: 'x'.repeat(1000), capturedAt: metadata.now }) } }]);
    const grow = { type: 'EditFragment' as const, data: { dreamId: DREAM_ID, fragmentId: id(1), content: `${big}${big}` }, metadata };
    spec.given(given).when(grow).thenThrows(ConflictError, isTooLarge);
  });
});
