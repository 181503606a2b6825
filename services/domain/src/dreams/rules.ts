import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import {
  BRANDS,
  CAPTURE_MODES,
  DEFAULT_BRAND,
  DEFAULT_CAPTURE_MODE,
  DEFAULT_DREAM_STATUS,
  DEFAULT_TODO_PRIORITY,
  DEFAULT_TODO_SOURCE,
  DEFAULT_TODO_STATUS,
  DREAM_STATUSES,
  TODO_PRIORITIES,
  TODO_SOURCES,
  TODO_STATUSES,
  type Brand,
  type CaptureMode,
  type DreamStatus,
  type TodoPriority,
  type TodoSource,
  type TodoStatus,
} from '@dreamcatcher/contracts';

export const TITLE_MIN = 3;
export const TITLE_MAX = 500;
export const TAGS_MAX = 50;
export const TAG_MAX = 50;

/**
 * Collects every rule a command breaks, so one 400 lists them all. Paths are JSON
 * Pointers into the command's data, as the schema validator reports them.
 */
export class Violations {
  readonly list: Violation[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  throwIfAny(message = 'The command breaks the dream rules'): void {
    if (this.list.length > 0) throw new ValidationError(message, this.list);
  }
}

/** Length in code points, as JSON Schema's minLength/maxLength count. */
export const lengthOf = (text: string): number => [...text].length;

/** The dream title trimmed; 3..500 characters after trimming. */
export function dreamTitle(title: string, path: string, violations: Violations): string {
  const trimmed = title.trim();
  const length = lengthOf(trimmed);
  if (length < TITLE_MIN || length > TITLE_MAX) {
    violations.add(path, `must be ${TITLE_MIN} to ${TITLE_MAX} characters after trimming (is ${length})`);
  }
  return trimmed;
}

/** A title of a fragment, todo or document: trimmed, not blank. */
export function itemTitle(title: string, path: string, violations: Violations): string {
  const trimmed = title.trim();
  if (trimmed === '') violations.add(path, 'must not be blank');
  return trimmed;
}

/**
 * Tags trimmed, empties dropped, duplicates removed keeping the first (exact match:
 * `AI` and `ai` stay two tags, as the user wrote them).
 */
export function normaliseTags(tags: readonly string[], path: string, violations: Violations): string[] {
  const result: string[] = [];
  for (const [index, tag] of tags.entries()) {
    const trimmed = tag.trim();
    if (trimmed === '' || result.includes(trimmed)) continue;
    if (lengthOf(trimmed) > TAG_MAX) violations.add(`${path}/${index}`, `must be at most ${TAG_MAX} characters`);
    result.push(trimmed);
  }
  if (result.length > TAGS_MAX) violations.add(path, `must hold at most ${TAGS_MAX} distinct tags`);
  return result;
}

/** Checks that `value` is one of `allowed` (a runtime guard for input that skipped the schema). */
export function oneOf<T extends string>(
  allowed: readonly T[],
  value: T | undefined,
  fallback: T,
  path: string,
  violations: Violations,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) violations.add(path, `must be one of ${allowed.join(', ')}`);
  return value;
}

// Each falls back to the catalogue's default when the field was left out.
export const brand = (value: Brand | undefined, path: string, v: Violations) => oneOf(BRANDS, value, DEFAULT_BRAND, path, v);
export const dreamStatus = (value: DreamStatus | undefined, path: string, v: Violations) =>
  oneOf(DREAM_STATUSES, value, DEFAULT_DREAM_STATUS, path, v);
export const captureMode = (value: CaptureMode | undefined, path: string, v: Violations) =>
  oneOf(CAPTURE_MODES, value, DEFAULT_CAPTURE_MODE, path, v);
export const todoPriority = (value: TodoPriority | undefined, path: string, v: Violations) =>
  oneOf(TODO_PRIORITIES, value, DEFAULT_TODO_PRIORITY, path, v);
export const todoStatus = (value: TodoStatus | undefined, path: string, v: Violations) =>
  oneOf(TODO_STATUSES, value, DEFAULT_TODO_STATUS, path, v);
export const todoSource = (value: TodoSource | undefined, path: string, v: Violations) =>
  oneOf(TODO_SOURCES, value, DEFAULT_TODO_SOURCE, path, v);

/** Reports ids that appear more than once in one command (e.g. two imported todos with one id). */
export function uniqueIds(ids: readonly string[], path: string, field: string, violations: Violations): void {
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index) violations.add(`${path}/${index}/${field}`, `duplicate id ${id}`);
  });
}

/** Adds `key: value` only when the value is present, so events carry no `undefined` members. */
export const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** Structural equality for JSON values (arrays of strings, code snippets). */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
