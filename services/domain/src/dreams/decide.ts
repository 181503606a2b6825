import { syncImportedDream } from './extension-sync.js';
import { checkAccess } from './access.js';
import type { DreamCommand } from './commands.js';
import { changeDreamDetails, setDreamTags } from './details.js';
import { attachDocument } from './documents.js';
import type { DreamEvent } from './events.js';
import { addFragment, captureFragment, editFragment, removeFragment } from './fragments.js';
import { archiveDream, changeDreamStatus, createDream, deleteDream, importDream } from './lifecycle.js';
import { completeImplementation, reportSync, requestImplementation } from './pipeline.js';
import type { Dream } from './state.js';
import { addTodo, changeTodo, completeTodo, removeTodo, replaceTodos } from './todos.js';

/**
 * The events a command causes on a dream in `state`: an empty list when it would change
 * nothing, or an AppError (ValidationError 400, NotFoundError 404, ConflictError 409).
 * Ownership comes first (access.ts): another user's dream is a 404 whatever the command.
 * Pure: time and new ids come in with the command.
 */
export function decide(command: DreamCommand, state: Dream): DreamEvent[] {
  checkAccess(command, state);
  switch (command.type) {
    case 'CaptureFragment':
      return captureFragment(command, state);
    case 'AddFragment':
      return addFragment(command, state);
    case 'EditFragment':
      return editFragment(command, state);
    case 'RemoveFragment':
      return removeFragment(command, state);
    case 'CreateDream':
      return createDream(command, state);
    case 'ImportDream':
      // An import naming its origin is keyed by the client's local ids: an upsert.
      return command.data.origin ? syncImportedDream(command, state) : importDream(command, state);
    case 'ChangeDreamDetails':
      return changeDreamDetails(command, state);
    case 'ChangeDreamStatus':
      return changeDreamStatus(command, state);
    case 'SetDreamTags':
      return setDreamTags(command, state);
    case 'ArchiveDream':
      return archiveDream(command, state);
    case 'DeleteDream':
      return deleteDream(command, state);
    case 'AddTodo':
      return addTodo(command, state);
    case 'ChangeTodo':
      return changeTodo(command, state);
    case 'CompleteTodo':
      return completeTodo(command, state);
    case 'RemoveTodo':
      return removeTodo(command, state);
    case 'ReplaceTodos':
      return replaceTodos(command, state);
    case 'AttachDocument':
      return attachDocument(command, state);
    case 'RequestImplementation':
      return requestImplementation(command, state);
    case 'CompleteImplementation':
      return completeImplementation(command, state);
    case 'ReportSync':
      return reportSync(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown command ${(_exhaustive as { type: string }).type}`);
    }
  }
}
