export type { Conversation, ExportSource, Turn } from './conversation.js';
export { NotAnExportError } from './conversation.js';
export { detectContainer, readExport, readHead, type Container, type ExportItem } from './read-export.js';
export { codeSnippets, conversationUrl, dreamTitle, transcriptParts, type CodeSnippet, type TranscriptPart } from './transcript.js';
export { importedDreamId, planConversation, type PlannedCommand } from './commands.js';
