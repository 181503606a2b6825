import { ConflictError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import { AssertionError, expect } from 'chai';
import { dreamDecider } from '../dreams/decider.js';
import { DeciderSpecification } from './decider-specification.js';
import { DREAM_ID, dreamCreated, metadataOf } from './dream-fixtures.js';

// The helper must fail when the decider does something else, or every spec using it is hollow.
describe('DeciderSpecification', () => {
  const spec = DeciderSpecification.for(dreamDecider);
  const archive = { type: 'ArchiveDream' as const, data: { dreamId: DREAM_ID }, metadata: metadataOf() };
  const archived = { type: 'DreamArchived' as const, data: { dreamId: DREAM_ID, from: 'idea' as const } };

  it('passes when the decided events are the expected ones, folding the given history first', () => {
    spec.given([dreamCreated()]).when(archive).then([archived]);
    spec.given([dreamCreated(), archived]).when(archive).thenNothingHappens();
  });

  it('fails when the events differ or when something happens where nothing should', () => {
    expect(() => spec.given([dreamCreated()]).when(archive).then([])).to.throw(AssertionError);
    expect(() => spec.given([dreamCreated()]).when(archive).thenNothingHappens()).to.throw(AssertionError);
  });

  it('fails when the command is decided instead of refused, naming what was decided', () => {
    expect(() => spec.given([dreamCreated()]).when(archive).thenThrows(NotFoundError)).to.throw(AssertionError, /DreamArchived/);
  });

  it('fails when the error is of another class, or when the check fails', () => {
    expect(() => spec.given([]).when(archive).thenThrows(ConflictError)).to.throw(AssertionError);
    expect(() =>
      spec
        .given([])
        .when(archive)
        .thenThrows(NotFoundError, (error) => expect(error.status).to.equal(409)),
    ).to.throw(AssertionError);
    spec.given([]).when(archive).thenThrows(NotFoundError, (error) => expect(error.status).to.equal(404));
  });
});
