import { ConflictError } from '@dreamcatcher/service-kit/errors';
import type { Fragment } from '@dreamcatcher/contracts';

/**
 * A dream is read whole (its detail, its live notices, every decision on its stream), so
 * what one dream may hold is bounded: without a bound one user can grow a dream until
 * reading it costs the services more memory than any answer should.
 */
export const MAX_FRAGMENTS = 1000;
/** Characters of fragment text (titles, contents, urls, features and code) one dream may hold. */
export const MAX_FRAGMENT_CHARS = 4_000_000;

/** The characters a fragment holds, as the size bound counts them. */
export function fragmentSize(fragment: Pick<Fragment, 'title' | 'content' | 'url' | 'features' | 'codeSnippets'>): number {
  return fragment.title.length + fragment.content.length + (fragment.url?.length ?? 0) + JSON.stringify(fragment.features ?? []).length + JSON.stringify(fragment.codeSnippets ?? []).length;
}

/** 409 `dream_too_large` when `others` plus `fragment` pass either bound. */
export function assertRoomFor(others: readonly Fragment[], fragment: Fragment): void {
  assertDreamSize([...others, fragment]);
}

/** 409 `dream_too_large` when a dream holding `fragments` would pass either bound. */
export function assertDreamSize(fragments: readonly Fragment[]): void {
  if (fragments.length > MAX_FRAGMENTS) {
    throw new ConflictError(`A dream holds at most ${MAX_FRAGMENTS} fragments; start a new dream or remove fragments first`, 'dream_too_large', { maxFragments: MAX_FRAGMENTS });
  }
  const total = fragments.reduce((sum, f) => sum + fragmentSize(f), 0);
  if (total > MAX_FRAGMENT_CHARS) {
    throw new ConflictError(
      `A dream's fragments hold at most ${MAX_FRAGMENT_CHARS} characters in all (this change would make ${total}); start a new dream or shorten its fragments`,
      'dream_too_large',
      { maxFragmentChars: MAX_FRAGMENT_CHARS },
    );
  }
}
