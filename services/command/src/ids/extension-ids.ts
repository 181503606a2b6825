/**
 * Ids of what the extension sends under its own local ids. The extension posts a whole dream
 * again whenever it is unsynced, so its dream and fragments must map to the same ids every
 * time: name-based UUIDs of the caller and the local ids, in a namespace apart from the one
 * idempotency keys use. The user id is part of every name, so two users' equal local ids
 * never meet.
 */
import { nameBasedUuid } from './ids.js';

const EXTENSION_NAMESPACE = 'b4d0e6a2-3c1f-4f7e-8a95-2e6d1c0b7f48';

// Each part percent-encoded and the kind named first: a local id holding the separator
// cannot make a fragment's name equal a dream's, nor one user's name equal another's.
function nameOf(kind: string, ...parts: string[]): string {
  return [kind, ...parts.map(encodeURIComponent)].join('\n');
}

/** The dream the extension calls `localDreamId`. */
export function extensionDreamId(userId: string, localDreamId: string): string {
  return nameBasedUuid(nameOf('dream', userId, localDreamId), EXTENSION_NAMESPACE);
}

/** The fragment the extension calls `localFragmentId` within its dream `localDreamId`. */
export function extensionFragmentId(userId: string, localDreamId: string, localFragmentId: string): string {
  return nameBasedUuid(nameOf('fragment', userId, localDreamId, localFragmentId), EXTENSION_NAMESPACE);
}

/**
 * The dream a capture by name goes into when the caller has none of that name: the name
 * trimmed and lower-cased, so that racing captures of "Ideas" and "ideas " make one dream.
 */
export function capturedDreamId(userId: string, dreamName: string): string {
  return nameBasedUuid(nameOf('named', userId, dreamName.trim().toLowerCase()), EXTENSION_NAMESPACE);
}
