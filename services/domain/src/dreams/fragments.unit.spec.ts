import { ConflictError, NotFoundError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { aFragment, DeciderSpecification, DREAM_ID, dreamCreated, dreamDeleted, fragmentCaptured, metadataOf, NOW, OWNER_ID } from '../testing/index.js';
import type { Fragment } from '@dreamcatcher/contracts';
import type { CaptureFragmentData } from './commands.js';
import { dreamDecider } from './decider.js';

const spec = DeciderSpecification.for(dreamDecider);
const metadata = metadataOf();
const dreamId = DREAM_ID;
const fragmentId = 'c0000000-0000-4000-8000-000000000001';
const input = { fragmentId, title: 'Architecture chat', content: 'Use event sourcing.', source: 'claude' };
const expectedFragment = aFragment({ fragmentId, content: 'Use event sourcing.' });

describe('CaptureFragment', () => {
  const capture = (data: Partial<CaptureFragmentData> = {}, fragment: Record<string, unknown> = {}) => ({
    type: 'CaptureFragment' as const,
    data: { dreamId, ...data, fragment: { ...input, ...fragment } } as CaptureFragmentData,
    metadata,
  });

  it('creates the dream first when it does not exist, titled after the fragment', () => {
    spec
      .given([])
      .when(capture({ newDream: true, brand: 'bc-studio', tags: [' ai ', 'ai'] }))
      .then([
        dreamCreated({ title: 'Architecture chat', brand: 'bc-studio', tags: ['ai'] }),
        { type: 'FragmentCaptured', data: { dreamId, fragment: expectedFragment } },
      ]);
  });

  it('creates the dream when the caller leaves newDream out and the dream is absent', () => {
    const events = dreamDecider.decide(capture(), dreamDecider.initialState());
    expect(events.map((e) => e.type)).to.deep.equal(['DreamCreated', 'FragmentCaptured']);
  });

  it('titles the new dream with dreamTitle, trimmed, when one is given', () => {
    spec
      .given([])
      .when(capture({ dreamTitle: '  My SaaS idea ' }))
      .then([dreamCreated({ title: 'My SaaS idea' }), { type: 'FragmentCaptured', data: { dreamId, fragment: expectedFragment } }]);
  });

  it('falls back to the fragment title when dreamTitle is blank', () => {
    const [created] = dreamDecider.decide(capture({ dreamTitle: '   ' }), dreamDecider.initialState());
    expect(created).to.deep.equal(dreamCreated({ title: 'Architecture chat' }));
  });

  it('refuses an explicit dreamTitle that is too short', () => {
    spec
      .given([])
      .when(capture({ dreamTitle: ' ab ' }))
      .thenThrows(ValidationError, (error) => expect(error.violations.map((v) => v.path)).to.deep.equal(['/dreamTitle']));
  });

  it('makes a short fragment title long enough by naming the source', () => {
    const [created] = dreamDecider.decide(capture({}, { title: ' Hi ' }), dreamDecider.initialState());
    expect(created).to.deep.equal(dreamCreated({ title: 'Hi (claude)' }));
  });

  it('cuts a long fragment title to 500 characters for the dream, keeping the fragment title whole', () => {
    const long = `${'word '.repeat(99)}wordy and more`;
    const [created, captured] = dreamDecider.decide(capture({}, { title: long }), dreamDecider.initialState());
    expect(created?.type === 'DreamCreated' && created.data.title).to.equal(long.slice(0, 500));
    expect(captured?.type === 'FragmentCaptured' && captured.data.fragment.title).to.equal(long);
  });

  it('fills the defaults: mode all, no features or snippets, captured now', () => {
    const [, captured] = dreamDecider.decide(capture(), dreamDecider.initialState());
    expect(captured).to.deep.equal({
      type: 'FragmentCaptured',
      data: { dreamId, fragment: { ...input, mode: 'all', features: [], codeSnippets: [], capturedAt: NOW } },
    });
  });

  it('keeps what the capture gave', () => {
    const given = {
      url: 'https://claude.ai/chat/1',
      mode: 'last5',
      features: ['auth'],
      codeSnippets: [{ language: 'ts', code: 'let x = 1;' }],
      capturedAt: '2025-02-01T08:00:00.000Z',
    } satisfies Partial<Fragment>;
    spec
      .given([dreamCreated()])
      .when(capture({}, given))
      .then([{ type: 'FragmentCaptured', data: { dreamId, fragment: { ...input, ...given } } }]);
  });

  it('only appends the fragment to an existing dream, ignoring brand, tags and dreamTitle', () => {
    spec
      .given([dreamCreated()])
      .when(capture({ newDream: false, dreamTitle: 'x', brand: 'bc-studio', tags: ['t'] }))
      .then([{ type: 'FragmentCaptured', data: { dreamId, fragment: expectedFragment } }]);
  });

  it('refuses a new dream on an id that is taken, also by a deleted dream (409 dream_exists)', () => {
    const isDreamExists = (error: ConflictError) => expect(error.code).to.equal('dream_exists');
    spec.given([dreamCreated()]).when(capture({ newDream: true })).thenThrows(ConflictError, isDreamExists);
    spec.given([dreamCreated(), dreamDeleted()]).when(capture({ newDream: true })).thenThrows(ConflictError, isDreamExists);
  });

  it('is a 404 when the named dream is absent or deleted', () => {
    spec.given([]).when(capture({ newDream: false })).thenThrows(NotFoundError);
    spec.given([dreamCreated(), dreamDeleted()]).when(capture()).thenThrows(NotFoundError);
  });

  it('refuses a blank fragment title, blank content, an unknown mode and a bad source', () => {
    spec
      .given([dreamCreated()])
      .when(capture({}, { title: '  ', content: ' ', mode: 'some', source: 'Chat GPT' }))
      .thenThrows(ValidationError, (error) =>
        expect(error.violations.map((v) => v.path)).to.have.members(['/fragment/title', '/fragment/content', '/fragment/mode', '/fragment/source']),
      );
  });

  it('refuses a fragment id that is already in the dream', () => {
    spec
      .given([dreamCreated(), fragmentCaptured(expectedFragment)])
      .when(capture())
      .thenThrows(ConflictError, (error) => expect(error.code).to.equal('fragment_exists'));
  });

  it('records the caller as the owner of the new dream', () => {
    const [created] = dreamDecider.decide(capture(), dreamDecider.initialState());
    expect(created?.type === 'DreamCreated' && created.data.ownerId).to.equal(OWNER_ID);
  });
});

describe('AddFragment', () => {
  const add = (fields: Record<string, unknown> = {}) => ({
    type: 'AddFragment' as const,
    data: { dreamId, ...input, ...fields } as never,
    metadata,
  });

  it('appends a fragment with the defaults', () => {
    spec.given([dreamCreated()]).when(add()).then([{ type: 'FragmentCaptured', data: { dreamId, fragment: expectedFragment } }]);
  });

  it('refuses an unknown capture mode', () => {
    spec.given([dreamCreated()]).when(add({ mode: 'first3' })).thenThrows(ValidationError);
  });
});

describe('EditFragment and RemoveFragment', () => {
  const history = [dreamCreated(), fragmentCaptured(expectedFragment)];
  const edit = (fields: Record<string, unknown>) => ({ type: 'EditFragment' as const, data: { dreamId, fragmentId, ...fields }, metadata });

  it('records only the fields that change', () => {
    spec
      .given(history)
      .when(edit({ title: ' Renamed ', content: expectedFragment.content, features: ['search'], codeSnippets: [] }))
      .then([{ type: 'FragmentEdited', data: { dreamId, fragmentId, changes: { title: 'Renamed', features: ['search'] } } }]);
  });

  it('does nothing when nothing differs', () => {
    spec.given(history).when(edit({ title: expectedFragment.title, features: [], codeSnippets: [] })).thenNothingHappens();
  });

  it('refuses a blank title', () => {
    spec.given(history).when(edit({ title: ' ' })).thenThrows(ValidationError);
  });

  it('is a 404 for a fragment the dream does not hold, removed ones included', () => {
    const removed = { type: 'FragmentRemoved' as const, data: { dreamId, fragmentId } };
    spec.given(history).when(edit({ fragmentId: 'c0000000-0000-4000-8000-00000000ffff', title: 'x' })).thenThrows(NotFoundError);
    spec.given([...history, removed]).when(edit({ title: 'x' })).thenThrows(NotFoundError);
    spec.given([...history, removed]).when({ type: 'RemoveFragment', data: { dreamId, fragmentId }, metadata }).thenThrows(NotFoundError);
  });

  it('removes a fragment', () => {
    spec
      .given(history)
      .when({ type: 'RemoveFragment', data: { dreamId, fragmentId }, metadata })
      .then([{ type: 'FragmentRemoved', data: { dreamId, fragmentId } }]);
  });
});
