import { ConflictError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import type { Fragment, FragmentEdited, FragmentInput as ContractFragmentInput } from '@dreamcatcher/contracts';
import { assertNoDream, dreamFor } from './access.js';
import type { AddFragment, CaptureFragment, EditFragment, RemoveFragment } from './commands.js';
import type { DreamEvent } from './events.js';
import { brand, captureMode, dreamTitle, itemTitle, lengthOf, normaliseTags, optional, sameJson, TITLE_MAX, TITLE_MIN, Violations } from './rules.js';
import type { Dream, ExistingDream } from './state.js';

type FragmentInput = ContractFragmentInput & { fragmentId: string };

const SOURCE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,49}$/;

/** A fragment with the catalogue's defaults: mode `all`, no features or snippets, captured now. */
export function newFragment(input: FragmentInput, now: string, path: string, violations: Violations): Fragment {
  if (input.content.trim() === '') violations.add(`${path}/content`, 'must not be blank');
  if (!SOURCE_PATTERN.test(input.source)) violations.add(`${path}/source`, 'must be a lowercase platform id such as chatgpt');
  return {
    fragmentId: input.fragmentId,
    title: itemTitle(input.title, `${path}/title`, violations),
    content: input.content,
    source: input.source,
    ...optional('url', input.url),
    mode: captureMode(input.mode, `${path}/mode`, violations),
    features: input.features ?? [],
    codeSnippets: input.codeSnippets ?? [],
    capturedAt: input.capturedAt ?? now,
  };
}

/**
 * The title of a dream made by a capture without `dreamTitle`: the fragment's title, cut
 * to 500 characters; a title shorter than 3 gets its source appended ("Hi (claude)")
 * rather than being refused, since the caller never chose a dream title.
 */
export function titleFromFragment(fragment: Fragment): string {
  const clipped = [...fragment.title].slice(0, TITLE_MAX).join('').trimEnd();
  return lengthOf(clipped) >= TITLE_MIN ? clipped : `${clipped} (${fragment.source})`;
}

/**
 * Appends a fragment; when the capture starts a new dream, DreamCreated comes first (brand
 * and tags from the command, title from `dreamTitle` or the fragment). `brand`, `tags` and
 * `dreamTitle` are ignored when the dream already exists.
 */
export function captureFragment({ data, metadata }: CaptureFragment, state: Dream): DreamEvent[] {
  const creates = data.newDream === true || (data.newDream === undefined && !state.exists);
  const violations = new Violations();
  const fragment = newFragment(data.fragment, metadata.now, '/fragment', violations);
  if (!creates) {
    violations.throwIfAny();
    const dream = dreamFor(state, metadata);
    assertNewFragment(dream, fragment.fragmentId);
    return [{ type: 'FragmentCaptured', data: { dreamId: dream.id, fragment } }];
  }
  const dreamBrand = brand(data.brand, '/brand', violations);
  const tags = normaliseTags(data.tags ?? [], '/tags', violations);
  const explicitTitle = data.dreamTitle?.trim() ? dreamTitle(data.dreamTitle, '/dreamTitle', violations) : undefined;
  violations.throwIfAny();
  assertNoDream(state, data.dreamId, metadata);
  const { dreamId } = data;
  const title = explicitTitle ?? titleFromFragment(fragment);
  return [
    { type: 'DreamCreated', data: { dreamId, ownerId: metadata.userId, title, status: 'idea', brand: dreamBrand, tags } },
    { type: 'FragmentCaptured', data: { dreamId, fragment } },
  ];
}

export function addFragment({ data, metadata }: AddFragment, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const violations = new Violations();
  const { dreamId: _dreamId, ...input } = data;
  const fragment = newFragment(input, metadata.now, '', violations);
  violations.throwIfAny();
  assertNewFragment(dream, fragment.fragmentId);
  return [{ type: 'FragmentCaptured', data: { dreamId: dream.id, fragment } }];
}

/** Records only the fields that differ from the fragment as it is; no difference, no event. */
export function editFragment({ data, metadata }: EditFragment, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const fragment = findFragment(dream, data.fragmentId);
  const violations = new Violations();
  const title = data.title === undefined ? undefined : itemTitle(data.title, '/title', violations);
  if (data.content !== undefined && data.content.trim() === '') violations.add('/content', 'must not be blank');
  violations.throwIfAny();

  const changes: FragmentEdited['changes'] = {
    ...optional('title', title === fragment.title ? undefined : title),
    ...optional('content', data.content === fragment.content ? undefined : data.content),
    ...optional('url', data.url === fragment.url ? undefined : data.url),
    ...optional('features', data.features === undefined || sameJson(data.features, fragment.features) ? undefined : data.features),
    ...optional(
      'codeSnippets',
      data.codeSnippets === undefined || sameJson(data.codeSnippets, fragment.codeSnippets) ? undefined : data.codeSnippets,
    ),
  };
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'FragmentEdited', data: { dreamId: dream.id, fragmentId: fragment.fragmentId, changes } }];
}

export function removeFragment({ data, metadata }: RemoveFragment, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const fragment = findFragment(dream, data.fragmentId);
  return [{ type: 'FragmentRemoved', data: { dreamId: dream.id, fragmentId: fragment.fragmentId } }];
}

function findFragment(dream: ExistingDream, fragmentId: string): Fragment {
  const fragment = dream.fragments.find((f) => f.fragmentId === fragmentId);
  if (!fragment) throw new NotFoundError('Fragment not found');
  return fragment;
}

function assertNewFragment(dream: ExistingDream, fragmentId: string): void {
  if (dream.fragments.some((f) => f.fragmentId === fragmentId)) {
    throw new ConflictError(`Fragment ${fragmentId} already exists`, 'fragment_exists', { fragmentId });
  }
}
