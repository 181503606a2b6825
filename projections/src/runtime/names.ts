/** Names other services rely on: the read model schema, the reader role and the notification channels. */

export const READ_MODELS_SCHEMA = 'read_models';

/** NOLOGIN role the gateway switches to (`SET LOCAL ROLE`) for every query transaction. */
export const READER_ROLE = 'dreamcatcher_reader';

/** Setting holding the caller's user id; row-level security compares `owner_id` with it. */
export const USER_ID_SETTING = 'dreamcatcher.user_id';

/** `NOTIFY projection_checkpoints, '<projection>:<position>'` after each committed batch. */
export const CHECKPOINT_CHANNEL = 'projection_checkpoints';

/** `NOTIFY dream_changes, '<json DreamChange>'` after a batch that changed a dream. */
export const DREAM_CHANGES_CHANNEL = 'dream_changes';

export const CHECKPOINTS_TABLE = 'projection_checkpoints';
