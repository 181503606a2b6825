export { dreamDecider, foldDream, type Decider, type DreamDecider } from './dreams/decider.js';
export { decide } from './dreams/decide.js';
export { checkAccess } from './dreams/access.js';
export { evolve, initialState, type Dream, type ExistingDream, type Implementation, type Sync } from './dreams/state.js';
export type { DreamEvent, DreamEventType, Event, RecordedDreamEvent } from './dreams/events.js';
export type * from './dreams/commands.js';
export { dreamIdFromStreamId, dreamStreamId } from './dreams/stream.js';
export { TITLE_MAX, TITLE_MIN } from './dreams/rules.js';
