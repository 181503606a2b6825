// Temporary stand-in for @dreamcatcher/contracts while its generated types are being written.
export const BRANDS = ['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto'] as const;
export const DREAM_STATUSES = ['idea', 'in_progress', 'completed', 'archived'] as const;
export const CAPTURE_MODES = ['all', 'last5', 'selected'] as const;
export const TODO_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TODO_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;
export const TODO_SOURCES = ['manual', 'ai_generated', 'document_parsed'] as const;
export type Brand = (typeof BRANDS)[number];
export type DreamStatus = (typeof DREAM_STATUSES)[number];
export type CaptureMode = (typeof CAPTURE_MODES)[number];
export type TodoPriority = (typeof TODO_PRIORITIES)[number];
export type TodoStatus = (typeof TODO_STATUSES)[number];
export type TodoSource = (typeof TODO_SOURCES)[number];
export interface CodeSnippet { language: string; code: string }
export interface Fragment { fragmentId: string; title: string; content: string; source: string; url?: string; mode: CaptureMode; features: string[]; codeSnippets: CodeSnippet[]; capturedAt: string }
export interface Todo { todoId: string; title: string; description?: string; category?: string; priority: TodoPriority; status: TodoStatus; deadline?: string; source: TodoSource; assignedTo?: string }
export interface Document { documentId: string; title: string; fileName: string; fileType: string; size: number }
export interface DreamCreated { dreamId: string; ownerId: string; title: string; description?: string; status: DreamStatus; brand: Brand; tags: string[]; summary?: string }
export interface DreamImported extends DreamCreated { fragments: Fragment[]; todos: Todo[] }
export interface FragmentCaptured { dreamId: string; fragment: Fragment }
export interface FragmentEdited { dreamId: string; fragmentId: string; changes: { title?: string; content?: string; url?: string; features?: string[]; codeSnippets?: CodeSnippet[] } }
export interface FragmentRemoved { dreamId: string; fragmentId: string }
export interface DreamDetailsChanged { dreamId: string; changes: { title?: string; description?: string; summary?: string } }
export interface DreamStatusChanged { dreamId: string; from: DreamStatus; to: 'idea' | 'in_progress' | 'completed' }
export interface DreamBrandChanged { dreamId: string; from: Brand; to: Brand }
export interface DreamTagged { dreamId: string; tags: string[] }
export interface DreamUntagged { dreamId: string; tags: string[] }
export interface TodoAdded { dreamId: string; todo: Todo }
export interface TodoChanged { dreamId: string; todoId: string; changes: { title?: string; description?: string; category?: string; priority?: TodoPriority; status?: 'pending' | 'in_progress' | 'cancelled'; deadline?: string; assignedTo?: string } }
export interface TodoCompleted { dreamId: string; todoId: string }
export interface TodoRemoved { dreamId: string; todoId: string }
export interface DocumentAttached { dreamId: string; document: Document }
export interface ImplementationRequested { dreamId: string; notes?: string }
export interface ImplementationCompleted { dreamId: string; pipelineosProjectId: string; ticketsCreated: number; agentsAssigned: string[]; estimatedCompletion?: string }
export interface DreamSynced { dreamId: string; pipelineosProjectId: string }
export interface DreamSyncFailed { dreamId: string; reason: string }
export interface DreamArchived { dreamId: string; from: DreamStatus }
export interface DreamDeleted { dreamId: string }

interface FragmentInput { title: string; content: string; source: string; url?: string; mode?: CaptureMode; features?: string[]; codeSnippets?: CodeSnippet[]; capturedAt?: string }
interface TodoInput { title: string; description?: string; category?: string; priority?: TodoPriority; status?: TodoStatus; deadline?: string; source?: TodoSource; assignedTo?: string }
export interface CaptureFragment { dreamId?: string; dreamTitle?: string; brand?: Brand; tags?: string[]; fragment: FragmentInput }
export interface AddFragment extends FragmentInput { dreamId: string }
export interface EditFragment { dreamId: string; fragmentId: string; title?: string; content?: string; url?: string; features?: string[]; codeSnippets?: CodeSnippet[] }
export interface RemoveFragment { dreamId: string; fragmentId: string }
export interface CreateDream { title: string; description?: string; brand?: Brand; tags?: string[]; status?: DreamStatus; summary?: string }
export interface ImportDream { dream: { id?: string; title: string; description?: string; status?: DreamStatus; tags?: string[]; brand?: Brand; summary?: string; fragments?: FragmentInput[]; todos?: TodoInput[] } }
export interface ChangeDreamDetails { dreamId: string; title?: string; description?: string; summary?: string; brand?: Brand }
export interface ChangeDreamStatus { dreamId: string; status: DreamStatus }
export interface SetDreamTags { dreamId: string; tags: string[] }
export interface ArchiveDream { dreamId: string }
export interface DeleteDream { dreamId: string }
export interface AddTodo { dreamId: string; title: string; description?: string; category?: string; priority?: TodoPriority; deadline?: string; source?: TodoSource; assignedTo?: string }
export interface ChangeTodo { dreamId: string; todoId: string; title?: string; description?: string; category?: string; priority?: TodoPriority; status?: TodoStatus; deadline?: string; assignedTo?: string }
export interface CompleteTodo { dreamId: string; todoId: string }
export interface RemoveTodo { dreamId: string; todoId: string }
export interface ReplaceTodos { dreamId: string; todos: (TodoInput & { todoId?: string })[] }
export interface AttachDocument { dreamId: string; title: string; fileName: string; fileType: string; size: number }
export interface RequestImplementation { dreamId: string; notes?: string }
export interface CompleteImplementation { dreamId: string; pipelineosProjectId: string; ticketsCreated?: number; agentsAssigned?: string[]; estimatedCompletion?: string }
export type ReportSync = { dreamId: string; status: 'synced'; pipelineosProjectId: string } | { dreamId: string; status: 'failed'; reason: string };
