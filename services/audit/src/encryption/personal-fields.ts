/**
 * Which fields of which events hold personal data, and what an erased one reads as.
 *
 * Personal: what people wrote or captured — titles, descriptions, summaries, fragments'
 * title/content/url/features/codeSnippets, todos' title/description/assignedTo, documents'
 * title/fileName, implementation notes, the agents an implementation was assigned to, the
 * sync failure reason (it may quote them).
 * Not personal, kept in clear: ids, status, brand, tags, priorities, categories, counts, dates,
 * sources, file types and sizes, pipelineosProjectId — what projections filter and count by.
 * Every free-text field of every event is one or the other: `KEPT_IN_CLEAR` names those left
 * in clear with the reason, and its unit spec fails on a text field in neither table.
 *
 * An erased field reads as a placeholder of its own JSON type ("[erased]", [], or for a URL
 * a URI), so that the event still satisfies its schema and every consumer keeps working.
 * The table is checked against the contract schemas and examples by its unit spec.
 */
import type { EventType } from '@dreamcatcher/contracts';

export const ERASED_TEXT = '[erased]';
/** A URL field must stay a URI (`format: uri`), so it gets one that says what happened. */
export const ERASED_URL = 'urn:dreamcatcher:erased';

const FRAGMENT = ['title', 'content', 'url', 'features', 'codeSnippets'];
const TODO = ['title', 'description', 'assignedTo'];

const under = (prefix: string, names: readonly string[]) => names.map((name) => `${prefix}/${name}`);

/** JSON Pointer patterns into each event's data; `*` stands for every index of an array. */
export const PERSONAL_FIELDS: { readonly [T in EventType]?: readonly string[] } = {
  DreamCreated: ['/title', '/description', '/summary'],
  DreamImported: ['/title', '/description', '/summary', ...under('/fragments/*', FRAGMENT), ...under('/todos/*', TODO)],
  FragmentCaptured: under('/fragment', FRAGMENT),
  FragmentEdited: under('/changes', FRAGMENT),
  DreamDetailsChanged: ['/changes/title', '/changes/description', '/changes/summary'],
  TodoAdded: under('/todo', TODO),
  TodoChanged: under('/changes', TODO),
  DocumentAttached: ['/document/title', '/document/fileName'],
  ImplementationRequested: ['/notes'],
  ImplementationCompleted: ['/agentsAssigned'],
  DreamSyncFailed: ['/reason'],
};

const OWNER = 'the user id: whose data it is, which erasure and row-level security go by';
const TAGS = 'short labels lists filter by (a pattern-limited vocabulary, not prose)';
const SOURCE = 'the lowercase id of an AI platform (pattern-limited), counted by projections';
const CATEGORY = 'a todo category: a short label todos are grouped by';
const PIPELINE = 'an identifier in PipelineOS, needed to sync and not written by people';

/** The free-text fields deliberately left in clear, each with why; every other one must be in `PERSONAL_FIELDS`. */
export const KEPT_IN_CLEAR: { readonly [T in EventType]?: Readonly<Record<string, string>> } = {
  DreamCreated: { '/ownerId': OWNER, '/tags': TAGS },
  DreamImported: { '/ownerId': OWNER, '/tags': TAGS, '/fragments/*/source': SOURCE, '/todos/*/category': CATEGORY },
  FragmentCaptured: { '/fragment/source': SOURCE },
  DreamTagged: { '/tags': TAGS },
  DreamUntagged: { '/tags': TAGS },
  TodoAdded: { '/todo/category': CATEGORY },
  TodoChanged: { '/changes/category': CATEGORY },
  DocumentAttached: { '/document/fileType': 'a media type, for choosing how to show the document' },
  ImplementationCompleted: { '/pipelineosProjectId': PIPELINE },
  DreamSynced: { '/pipelineosProjectId': PIPELINE },
};

/** What an erased field at `pattern` reads as. */
export function placeholderFor(pattern: string): unknown {
  const name = pattern.slice(pattern.lastIndexOf('/') + 1);
  if (name === 'features' || name === 'codeSnippets' || name === 'agentsAssigned') return [];
  if (name === 'url') return ERASED_URL;
  return ERASED_TEXT;
}

/** The personal field patterns of an event type (none for types not listed). */
export function personalFieldsOf(type: string): readonly string[] {
  return (PERSONAL_FIELDS as Record<string, readonly string[] | undefined>)[type] ?? [];
}

/**
 * Calls `replace` with every value present at `pattern` in `data` (and its concrete JSON
 * Pointer) and returns `data` with the values it returned, copying only what changed;
 * `data` itself is never modified. Absent fields are left absent.
 */
export function mapFields(data: unknown, pattern: string, replace: (value: unknown, pointer: string) => unknown): unknown {
  return mapAt(data, segmentsOf(pattern), 0, '', replace);
}

// Every read and append maps each personal field of each event, so patterns are split
// once, and the walk below steps through the segments by index instead of copying them.
const segmentCache = new Map<string, readonly string[]>();

function segmentsOf(pattern: string): readonly string[] {
  let segments = segmentCache.get(pattern);
  if (!segments) segmentCache.set(pattern, (segments = pattern.split('/').slice(1)));
  return segments;
}

function mapAt(node: unknown, segments: readonly string[], depth: number, pointer: string, replace: (value: unknown, pointer: string) => unknown): unknown {
  if (depth === segments.length) return replace(node, pointer);
  const head = segments[depth]!;
  if (head === '*') {
    if (!Array.isArray(node)) return node;
    let copy: unknown[] | undefined;
    for (let index = 0; index < node.length; index++) {
      const item: unknown = node[index];
      const mapped = mapAt(item, segments, depth + 1, `${pointer}/${index}`, replace);
      if (mapped !== item) (copy ??= [...node])[index] = mapped;
    }
    return copy ?? node;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, head)) return node;
  const child = (node as Record<string, unknown>)[head];
  if (child === undefined) return node;
  const mapped = mapAt(child, segments, depth + 1, `${pointer}/${head}`, replace);
  return mapped === child ? node : { ...node, [head]: mapped };
}
