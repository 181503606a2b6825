/**
 * From the contract's command data (what the caller sent) to the domain's command: every
 * id of a new thing filled in from the command's id source, and the ids the answer reports.
 */
import type { CommandDataByType, CommandType } from '@dreamcatcher/contracts';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import type { CommandMetadata, DreamCommand } from '@dreamcatcher/domain';
import { capturedDreamId, extensionDreamId, extensionFragmentId } from '../ids/extension-ids.js';
import type { IdSource } from '../ids/ids.js';

/** A contract command: a type and its (already validated) data. */
export type ContractCommand = { [T in CommandType]: { type: T; data: CommandDataByType[T] } }[CommandType];

/** Ids of what a command created, reported in its answer. */
export interface CreatedIds {
  fragmentId?: string;
  todoId?: string;
  documentId?: string;
  fragmentIds?: string[];
  todoIds?: string[];
}

export interface PreparedCommand {
  command: DreamCommand;
  /** The dream the command acts on (new or named). */
  dreamId: string;
  createdIds: CreatedIds;
}

export function prepareCommand(input: ContractCommand, metadata: CommandMetadata, ids: IdSource): PreparedCommand {
  switch (input.type) {
    case 'CaptureFragment': {
      const { dreamId: named, dreamName, fragment, ...rest } = input.data;
      const fragmentId = ids.id('fragment');
      if (dreamName !== undefined) {
        if (named !== undefined) throw new ValidationError('dreamId and dreamName exclude each other', [{ path: '/dreamName', message: 'must not be given with dreamId' }]);
        // Keyed by the name: the first capture makes the dream, later (or racing) ones add to it.
        const dreamId = capturedDreamId(metadata.userId, dreamName);
        const data = { ...rest, dreamTitle: dreamName.trim(), dreamId, fragment: { ...fragment, fragmentId } };
        return { command: { type: input.type, data, metadata }, dreamId, createdIds: { fragmentId } };
      }
      const dreamId = named ?? ids.id('dream');
      // A capture without a dream id starts a new dream; one naming a dream must find it.
      const data = { ...rest, dreamId, newDream: named === undefined, fragment: { ...fragment, fragmentId } };
      return { command: { type: input.type, data, metadata }, dreamId, createdIds: { fragmentId } };
    }
    case 'AddFragment': {
      const fragmentId = ids.id('fragment');
      return { command: { type: input.type, data: { ...input.data, fragmentId }, metadata }, dreamId: input.data.dreamId, createdIds: { fragmentId } };
    }
    case 'CreateDream': {
      const dreamId = ids.id('dream');
      return { command: { type: input.type, data: { ...input.data, dreamId }, metadata }, dreamId, createdIds: {} };
    }
    case 'ImportDream': {
      const { id, fragments = [], todos = [], ...dream } = input.data.dream;
      const { origin, pipelineOSOptions, localFragmentIds } = input.data;
      // An import with an origin is an upsert keyed by the caller and the client's local ids.
      const keyed = origin !== undefined ? { userId: metadata.userId, localId: origin.localId, fragmentIds: localFragmentIds ?? [] } : undefined;
      if (keyed && (keyed.fragmentIds.length !== fragments.length || new Set(keyed.fragmentIds).size !== fragments.length)) throw new ValidationError('localFragmentIds must name each fragment once, in order', [{ path: '/localFragmentIds', message: 'must hold one distinct id per fragment' }]);
      const dreamId = keyed ? extensionDreamId(keyed.userId, keyed.localId) : (id ?? ids.id('dream'));
      const withFragmentIds = fragments.map((fragment, index) => ({
        ...fragment,
        fragmentId: keyed ? extensionFragmentId(keyed.userId, keyed.localId, keyed.fragmentIds[index]!) : ids.id('fragment', index),
      }));
      const withTodoIds = todos.map((todo, index) => ({ ...todo, todoId: ids.id('todo', index) }));
      return {
        command: {
          type: input.type,
          data: {
            dreamId,
            dream: { ...dream, fragments: withFragmentIds, todos: withTodoIds },
            ...(origin !== undefined && { origin }),
            ...(pipelineOSOptions !== undefined && { pipelineOSOptions }),
          },
          metadata,
        },
        dreamId,
        createdIds: { fragmentIds: withFragmentIds.map((f) => f.fragmentId), todoIds: withTodoIds.map((t) => t.todoId) },
      };
    }
    case 'AddTodo': {
      const todoId = ids.id('todo');
      return { command: { type: input.type, data: { ...input.data, todoId }, metadata }, dreamId: input.data.dreamId, createdIds: { todoId } };
    }
    case 'ReplaceTodos': {
      // Items naming a todo keep it (it must exist); the others are new todos and get ids here.
      const todos = input.data.todos.map((todo, index) => ({ ...todo, todoId: todo.todoId ?? ids.id('todo', index), newTodo: todo.todoId === undefined }));
      return {
        command: { type: input.type, data: { ...input.data, todos }, metadata },
        dreamId: input.data.dreamId,
        createdIds: { todoIds: todos.map((t) => t.todoId) },
      };
    }
    case 'AttachDocument': {
      const documentId = ids.id('document');
      return { command: { type: input.type, data: { ...input.data, documentId }, metadata }, dreamId: input.data.dreamId, createdIds: { documentId } };
    }
    case 'EditFragment':
    case 'RemoveFragment':
    case 'ChangeDreamDetails':
    case 'ChangeDreamStatus':
    case 'SetDreamTags':
    case 'ArchiveDream':
    case 'DeleteDream':
    case 'ChangeTodo':
    case 'CompleteTodo':
    case 'RemoveTodo':
    case 'RequestImplementation':
    case 'CompleteImplementation':
    case 'ReportSync':
      return { command: { ...input, metadata }, dreamId: input.data.dreamId, createdIds: {} };
    default: {
      const _exhaustive: never = input;
      throw new Error(`Unknown command ${(_exhaustive as { type: string }).type}`);
    }
  }
}
