import type * as Contract from '@dreamcatcher/contracts';
import type { AssertSame } from './events.js';

/**
 * Who asks and when. Time comes in with the command (the decider never reads a clock);
 * `roles` are the caller's token roles (`user`, `admin`, `integration`, `auditor`).
 */
export interface CommandMetadata {
  userId: string;
  roles: string[];
  /** ISO 8601 date-time of the request; used for defaults such as `capturedAt`. */
  now: string;
}

export type Command<Type extends string, Data> = { type: Type; data: Data; metadata: CommandMetadata };

type FragmentInput = Contract.FragmentInput;
type ImportedDream = Contract.ImportDream['dream'];
type ImportedTodo = Contract.TodoInput;
type ReplacementTodo = Contract.ReplaceTodos['todos'][number];

// Domain commands are the contract commands with the ids of new things already made
// (the command service derives them from idempotency keys, so a retry makes the same ids).

/**
 * `newDream` says what the caller meant: `true` (no dreamId was sent, the id is new) makes
 * an existing id a 409 `dream_exists`; `false` (the caller named a dream) makes an absent
 * dream a 404; left out, an absent dream is created and an existing one is appended to.
 */
export type CaptureFragmentData = Omit<Contract.CaptureFragment, 'dreamId' | 'fragment'> & {
  dreamId: string;
  newDream?: boolean;
  fragment: FragmentInput & { fragmentId: string };
};
export type AddFragmentData = Contract.AddFragment & { fragmentId: string };
export type CreateDreamData = Contract.CreateDream & { dreamId: string };
export type ImportDreamData = Pick<Contract.ImportDream, 'origin' | 'pipelineOSOptions'> & {
  dreamId: string;
  dream: Omit<ImportedDream, 'id' | 'fragments' | 'todos'> & {
    fragments?: (FragmentInput & { fragmentId: string })[];
    todos?: (ImportedTodo & { todoId: string })[];
  };
};
export type AddTodoData = Contract.AddTodo & { todoId: string };
/**
 * Every item has an id. `newTodo` says where it came from, as `newDream` does for a capture:
 * `false` (the client sent the id) makes an id the dream does not hold a 404; `true` (the id
 * was just made) makes an id it holds a 409 `todo_exists`; left out, a held id is kept and
 * any other is added.
 */
export type ReplaceTodosData = Omit<Contract.ReplaceTodos, 'todos'> & {
  todos: (ReplacementTodo & { todoId: string; newTodo?: boolean })[];
};
export type AttachDocumentData = Contract.AttachDocument & { documentId: string };

export type CaptureFragment = Command<'CaptureFragment', CaptureFragmentData>;
export type AddFragment = Command<'AddFragment', AddFragmentData>;
export type EditFragment = Command<'EditFragment', Contract.EditFragment>;
export type RemoveFragment = Command<'RemoveFragment', Contract.RemoveFragment>;
export type CreateDream = Command<'CreateDream', CreateDreamData>;
export type ImportDream = Command<'ImportDream', ImportDreamData>;
export type ChangeDreamDetails = Command<'ChangeDreamDetails', Contract.ChangeDreamDetails>;
export type ChangeDreamStatus = Command<'ChangeDreamStatus', Contract.ChangeDreamStatus>;
export type SetDreamTags = Command<'SetDreamTags', Contract.SetDreamTags>;
export type ArchiveDream = Command<'ArchiveDream', Contract.ArchiveDream>;
export type DeleteDream = Command<'DeleteDream', Contract.DeleteDream>;
export type AddTodo = Command<'AddTodo', AddTodoData>;
export type ChangeTodo = Command<'ChangeTodo', Contract.ChangeTodo>;
export type CompleteTodo = Command<'CompleteTodo', Contract.CompleteTodo>;
export type RemoveTodo = Command<'RemoveTodo', Contract.RemoveTodo>;
export type ReplaceTodos = Command<'ReplaceTodos', ReplaceTodosData>;
export type AttachDocument = Command<'AttachDocument', AttachDocumentData>;
export type RequestImplementation = Command<'RequestImplementation', Contract.RequestImplementation>;
export type CompleteImplementation = Command<'CompleteImplementation', Contract.CompleteImplementation>;
export type ReportSync = Command<'ReportSync', Contract.ReportSync>;

/** Everything that can be asked of a dream. */
export type DreamCommand =
  | CaptureFragment
  | AddFragment
  | EditFragment
  | RemoveFragment
  | CreateDream
  | ImportDream
  | ChangeDreamDetails
  | ChangeDreamStatus
  | SetDreamTags
  | ArchiveDream
  | DeleteDream
  | AddTodo
  | ChangeTodo
  | CompleteTodo
  | RemoveTodo
  | ReplaceTodos
  | AttachDocument
  | RequestImplementation
  | CompleteImplementation
  | ReportSync;

export type DreamCommandType = DreamCommand['type'];

// A command added to the contract fails to compile here until the domain decides it.
const _coversEveryContractCommand: AssertSame<DreamCommandType, Contract.CommandType> = true;
void _coversEveryContractCommand;
