export { copyEvents, streamRuns, type CopyOptions, type CopyProgress, type CopyReport } from './copy.js';
export { MemoryCopyCheckpoint, PostgresCopyCheckpoint, type CopyCheckpoint } from './checkpoint.js';
