import { ConflictError } from '@dreamcatcher/service-kit/errors';
import { dreamFor } from './access.js';
import type { AttachDocument } from './commands.js';
import type { DreamEvent } from './events.js';
import { itemTitle, Violations } from './rules.js';
import type { Dream } from './state.js';

const MAX_DOCUMENT_SIZE = 1_000_000_000;

/** Records a document's metadata; the file itself is stored elsewhere, if at all. */
export function attachDocument({ data, metadata }: AttachDocument, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const violations = new Violations();
  const title = itemTitle(data.title, '/title', violations);
  if (data.fileName.trim() === '') violations.add('/fileName', 'must not be blank');
  if (!Number.isInteger(data.size) || data.size < 0 || data.size > MAX_DOCUMENT_SIZE) {
    violations.add('/size', `must be a whole number of bytes from 0 to ${MAX_DOCUMENT_SIZE}`);
  }
  violations.throwIfAny();
  if (dream.documents.some((d) => d.documentId === data.documentId)) {
    throw new ConflictError(`Document ${data.documentId} already exists`, 'document_exists', { documentId: data.documentId });
  }
  const { documentId, fileName, fileType, size } = data;
  return [{ type: 'DocumentAttached', data: { dreamId: dream.id, document: { documentId, title, fileName, fileType, size } } }];
}
