import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { DeciderSpecification, DREAM_ID, dreamCreated, metadataOf } from '../testing/index.js';
import { dreamDecider } from './decider.js';

const spec = DeciderSpecification.for(dreamDecider);
const metadata = metadataOf();
const dreamId = DREAM_ID;
const created = dreamCreated({ title: 'Old title', description: 'Old description', brand: 'personal', tags: ['ai', 'web'] });

describe('ChangeDreamDetails', () => {
  const change = (fields: Record<string, string>) => ({
    type: 'ChangeDreamDetails' as const,
    data: { dreamId, ...fields } as never,
    metadata,
  });

  it('records only the fields that change', () => {
    spec
      .given([created])
      .when(change({ title: ' New title ', description: 'Old description', summary: 'In short' }))
      .then([{ type: 'DreamDetailsChanged', data: { dreamId, changes: { title: 'New title', summary: 'In short' } } }]);
  });

  it('records a brand change as its own event, after the details', () => {
    spec
      .given([created])
      .when(change({ description: 'New description', brand: 'bc-innovations' }))
      .then([
        { type: 'DreamDetailsChanged', data: { dreamId, changes: { description: 'New description' } } },
        { type: 'DreamBrandChanged', data: { dreamId, from: 'personal', to: 'bc-innovations' } },
      ]);
  });

  it('does nothing when nothing differs (a title equal after trimming included)', () => {
    spec.given([created]).when(change({ title: '  Old title ', description: 'Old description', brand: 'personal' })).thenNothingHappens();
  });

  it('refuses a title that is too short after trimming, and an unknown brand', () => {
    spec
      .given([created])
      .when(change({ title: ' x ', brand: 'megacorp' }))
      .thenThrows(ValidationError, (error) => expect(error.violations.map((v) => v.path)).to.have.members(['/title', '/brand']));
  });
});

describe('SetDreamTags', () => {
  const setTags = (tags: string[]) => ({ type: 'SetDreamTags' as const, data: { dreamId, tags }, metadata });

  it('records the added tags and the removed ones', () => {
    spec
      .given([created])
      .when(setTags(['web', 'ml', 'rust']))
      .then([
        { type: 'DreamTagged', data: { dreamId, tags: ['ml', 'rust'] } },
        { type: 'DreamUntagged', data: { dreamId, tags: ['ai'] } },
      ]);
  });

  it('normalises the tags before comparing', () => {
    spec
      .given([created])
      .when(setTags([' ai', 'web ', 'ai', '', 'new ']))
      .then([{ type: 'DreamTagged', data: { dreamId, tags: ['new'] } }]);
  });

  it('does nothing when the set is the same, in any order', () => {
    spec.given([created]).when(setTags(['web', ' ai '])).thenNothingHappens();
  });

  it('removes every tag with an empty list', () => {
    spec.given([created]).when(setTags([])).then([{ type: 'DreamUntagged', data: { dreamId, tags: ['ai', 'web'] } }]);
  });

  it('refuses a tag over 50 characters and more than 50 distinct tags', () => {
    spec
      .given([created])
      .when(setTags(['ok', 'x'.repeat(51)]))
      .thenThrows(ValidationError, (error) => expect(error.violations).to.deep.equal([{ path: '/tags/1', message: 'must be at most 50 characters' }]));
    const many = Array.from({ length: 51 }, (_, i) => `tag-${i}`);
    spec.given([created]).when(setTags([...many, 'tag-0'])).thenThrows(ValidationError);
    expect(dreamDecider.decide(setTags(many.slice(0, 50)), dreamDecider.evolve(dreamDecider.initialState(), created))).to.have.lengthOf(2);
  });
});
