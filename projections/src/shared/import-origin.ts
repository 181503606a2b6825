import type { DreamEvent } from '../runtime/events.js';
import type { PipelineOSOptions } from '@dreamcatcher/contracts';

export interface ImportOriginColumns {
  origin_client: string | null;
  origin_local_id: string | null;
  pipeline_os_options: PipelineOSOptions | null;
}

/** The columns a dream's first event sets for where it came from (only an import says). */
export function importOrigin(event: DreamEvent): ImportOriginColumns {
  const data = event.type === 'DreamImported' ? event.data : undefined;
  return {
    origin_client: data?.origin?.client ?? null,
    origin_local_id: data?.origin?.localId ?? null,
    pipeline_os_options: data?.pipelineOSOptions ?? null,
  };
}

/** The API's `origin` and `pipelineOSOptions` of a row, each left out when the dream has none. */
export function importOriginView(row: ImportOriginColumns): { origin?: { client: string; localId: string }; pipelineOSOptions?: PipelineOSOptions } {
  return {
    ...(row.origin_client !== null && row.origin_local_id !== null && { origin: { client: row.origin_client, localId: row.origin_local_id } }),
    ...(row.pipeline_os_options !== null && { pipelineOSOptions: row.pipeline_os_options }),
  };
}
