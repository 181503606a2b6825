/**
 * @dreamcatcher/projections: the read models, the projector runtime that builds them from
 * the broker, the rebuild from the event store, and the queries the gateway serves.
 */
export { READ_MODELS_SCHEMA, READER_ROLE, USER_ID_SETTING, CHECKPOINT_CHANNEL, DREAM_CHANGES_CHANNEL } from './runtime/names.js';
export { readCheckpoints, parseCheckpointNotification } from './runtime/checkpoints.js';
export { describeLag, lagOf, measureLag, type Lag, type LagStore } from './runtime/lag.js';
export { projectionLagGauges, type LagSources } from './runtime/metrics.js';
export { withReaderScope, type Queryable } from './runtime/reader-scope.js';
export { surviveConnectionLoss } from './runtime/connection-loss.js';
export { parseDreamChange, type DreamChange, type DreamChangeKind } from './dream_detail/changes.js';
export { migrations, migrateReadModels } from './migrations.js';
export { PROJECTIONS, selectProjections } from './registry.js';
export type { Projection, ProjectionTx } from './runtime/projection.js';
export type { ProjectionEvent, DreamEvent } from './runtime/events.js';
export type { QueryOptions } from './shared/query.js';

export { listDreams, findDreamByName, getDreamSummary, getDreamStatistics, type DreamSummary, type DreamStatistics, type ListDreamsOptions } from './dream_summary/queries.js';
export { getDreamDetail, type DreamDetail, type FragmentView, type TodoView, type DocumentView } from './dream_detail/queries.js';
export { getFragmentPage, FRAGMENT_PAGE_CHARS, FRAGMENT_PAGE_SIZE, type FragmentPage } from './dream_detail/fragment-page.js';
export { getSyncStatus, getDreamSyncStatus, listDreamsBySyncStatus, type UserSyncStatus, type DreamSyncStatus } from './sync_status/queries.js';
export { getUserActivity, type UserActivity } from './user_activity/queries.js';
export { searchDreams, type SearchHit } from './dream_search/queries.js';
export { listBrands, listTags, type BrandEntry, type TagEntry } from './catalogue/queries.js';
export { DEFAULT_BRANDS, DEFAULT_TAGS } from './catalogue/defaults.js';

// Running projections from code (benchmarks, end-to-end tests, tools).
export { Projector, projectorOptions, type ProjectorOptions, type ProjectorDependencies } from './runtime/consumer.js';
export { rebuildAndSwap, verifyProjections, rebuildUntil, type RebuildOptions, type RebuildReport, type VerifyReport } from './rebuild/rebuild.js';
export { DEFAULT_PAGE_SIZE, storeReader, type Progress } from './rebuild/build.js';
export { openEventStore } from './store.js';
export { listDeadLetters, showDeadLetter, replayDeadLetters, type DeadLetter } from './runtime/dead-letters.js';
export { listHoles, clearHoles, type Hole } from './runtime/holes.js';
export { INDEXED_TEXT_CHARS } from './shared/text-index.js';
// A valid fragment that an unbounded text index cannot hold (security and projection specs).
export { poisonText, POISON_CHARS } from './testing/poison-text.js';

// Partitioned projectors (runtime/partitions/): N queues per projection, each applying the streams that hash to it.
export { partitionOf, streamHash } from './runtime/partitions/hash.js';
export { currentPartitions, readPartitionCheckpoints, type PartitionCheckpoint } from './runtime/partitions/checkpoints.js';
export { consumersOf, attachInOrder, type Consumer, type PartitioningOptions } from './runtime/partitions/replicas.js';
