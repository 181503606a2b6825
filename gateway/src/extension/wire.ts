/**
 * The extension's legacy wire format, translated to ours. The extension posts its own shapes
 * (plain-string code snippets, `date` for the capture time, its own local ids); this is the
 * one place that knows them. Ids are not made here: the command service derives them from
 * the caller and the local ids, so a re-post maps onto the same dream and fragments.
 */
import type { CaptureFragment, CodeSnippet, DreamStatus, ExtensionCaptureBody, ExtensionImportBody, FragmentInput, ImportDream } from '@dreamcatcher/contracts';

// The extension's shapes are the contract's (contracts/http/Extension*Body), checked before translation.
export type ExtensionDream = ExtensionImportBody['dream'];
export type ExtensionFragment = NonNullable<ExtensionDream['fragments']>[number];
export type ExtensionCapture = ExtensionCaptureBody;

// The extension's statuses are a subset of ours, with the same names.
const STATUSES: Record<NonNullable<ExtensionDream['status']>, DreamStatus> = { idea: 'idea', in_progress: 'in_progress', completed: 'completed' };

const FENCE = /^\s*```([\w+#.-]*)[^\n]*\n([\s\S]*?)\n?```\s*$/;

/** A plain-string snippet as ours: the language of a ```fence when it names one, else ''. */
export function snippetFromText(text: string): CodeSnippet {
  const fenced = FENCE.exec(text);
  if (!fenced) return { language: '', code: text };
  return { language: (fenced[1] ?? '').toLowerCase(), code: fenced[2] ?? '' };
}

/** One fragment as our input (its local id travels beside it, in `localFragmentIds`). */
export function fragmentFromExtension(fragment: ExtensionFragment): FragmentInput {
  const input: FragmentInput = { title: fragment.title, content: fragment.content, source: fragment.source };
  if (fragment.url !== undefined && fragment.url !== '') input.url = fragment.url;
  if (fragment.date !== undefined) input.capturedAt = fragment.date;
  if (fragment.features?.length) input.features = fragment.features;
  if (fragment.codeSnippets?.length) input.codeSnippets = fragment.codeSnippets.map(snippetFromText);
  return input;
}

/**
 * The extension's dream as our import: the origin names its local id and `localFragmentIds`
 * its fragments' ids, so the command service keys the upsert by them.
 */
export function importFromExtension(dream: ExtensionDream): ImportDream {
  const fragments = dream.fragments ?? [];
  const ours: ImportDream['dream'] = { title: dream.title, fragments: fragments.map(fragmentFromExtension) };
  if (dream.description !== undefined) ours.description = dream.description;
  if (dream.tags !== undefined) ours.tags = dream.tags;
  if (dream.status !== undefined) ours.status = STATUSES[dream.status];
  const result: ImportDream = { dream: ours, origin: { client: 'extension', localId: dream.id }, localFragmentIds: fragments.map((f) => f.id) };
  if (dream.pipelineOSOptions) result.pipelineOSOptions = dream.pipelineOSOptions;
  return result;
}

/** The extension's capture as ours, into the dream `dreamId` or else the one its name keys. */
export function captureFromExtension(capture: ExtensionCapture, dreamId: string | undefined): CaptureFragment {
  const fragment: FragmentInput = { title: capture.fragmentTitle, content: capture.content, source: capture.source };
  if (capture.url !== undefined && capture.url !== '') fragment.url = capture.url;
  if (capture.mode !== undefined) fragment.mode = capture.mode;
  return dreamId !== undefined ? { dreamId, fragment } : { dreamName: capture.dreamName, fragment };
}
