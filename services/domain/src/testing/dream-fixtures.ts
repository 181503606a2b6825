import type { DreamCreated, Fragment, Todo } from '@dreamcatcher/contracts';
import type { CommandMetadata } from '../dreams/commands.js';
import type { DreamEvent } from '../dreams/events.js';

// Small builders that keep specifications about the rule under test, not about setup.

export const DREAM_ID = '3f0c5a7e-2b1d-4c8e-9a6f-1d2e3f4a5b6c';
export const OWNER_ID = 'user-7a1c';
export const OTHER_USER_ID = 'user-9b2d';
export const NOW = '2025-03-01T12:00:00.000Z';

/** Metadata of a command sent by `userId` (the owner unless told) at `NOW`. */
export const metadataOf = (userId = OWNER_ID, roles: string[] = ['user'], now = NOW): CommandMetadata => ({
  userId,
  roles,
  now,
});

export const dreamCreated = (overrides: Partial<DreamCreated> = {}): DreamEvent => ({
  type: 'DreamCreated',
  data: {
    dreamId: DREAM_ID,
    ownerId: OWNER_ID,
    title: 'A dream worth keeping',
    status: 'idea',
    brand: 'personal',
    tags: [],
    ...overrides,
  },
});

export const aFragment = (overrides: Partial<Fragment> = {}): Fragment => ({
  fragmentId: '6b1f9c2a-8d3e-4f5a-b6c7-d8e9f0a1b2c3',
  title: 'Architecture chat',
  content: 'Use event sourcing for the dream history.',
  source: 'claude',
  mode: 'all',
  features: [],
  codeSnippets: [],
  capturedAt: NOW,
  ...overrides,
});

export const aTodo = (overrides: Partial<Todo> = {}): Todo => ({
  todoId: '9c2d8e1f-4a5b-4c6d-8e7f-a0b1c2d3e4f5',
  title: 'Write the decider',
  priority: 'medium',
  status: 'pending',
  source: 'manual',
  ...overrides,
});

export const fragmentCaptured = (fragment: Fragment = aFragment()): DreamEvent => ({
  type: 'FragmentCaptured',
  data: { dreamId: DREAM_ID, fragment },
});

export const todoAdded = (todo: Todo = aTodo()): DreamEvent => ({ type: 'TodoAdded', data: { dreamId: DREAM_ID, todo } });

export const dreamDeleted = (): DreamEvent => ({ type: 'DreamDeleted', data: { dreamId: DREAM_ID } });
