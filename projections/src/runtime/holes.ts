/**
 * Holes: events a projector dead-lettered, so its read model lacks them. A hole is recorded
 * (projection, stream, revision, reason) when the event is dead-lettered, and from then on
 * the gap refetch of that stream skips it: the stream's later events are applied instead of
 * failing on the same event again and following it into the dead-letter queue. Replaying
 * the dead letter then changes nothing (its stream has moved past it); a rebuild applies
 * every event and clears the projection's holes. Until then they show as the
 * `projection_holes` gauge and a degraded `/ready`; an operator who accepts the loss clears them.
 * A hole is the dead-lettered message's own revision: when the event that failed was one
 * refetched for a gap before it (its own message never came), the stream's later messages
 * fail on it too and each becomes a hole, loudly, until a rebuild.
 */
import type pg from 'pg';
import { Gauge, type Logger, type Registry } from '@dreamcatcher/service-kit';
import type { ProjectionEvent } from './events.js';
import { qualified } from './table.js';

export const HOLES_TABLE = 'projection_holes';

/** Error messages may quote the data they choked on; a hole keeps a short one. */
const REASON_CHARS = 300;

export function holesTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, HOLES_TABLE)} (
    projection text NOT NULL,
    stream_id text NOT NULL,
    revision bigint NOT NULL,
    event_id text NOT NULL,
    user_id text,
    reason text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, stream_id, revision)
  )`;
}

export interface Hole {
  projection: string;
  streamId: string;
  revision: bigint;
  reason: string;
}

/** Records that `projection` dead-lettered `event`, and says so at error level: the read model now lacks it. */
export async function recordHole(db: pg.Pool | pg.ClientBase, schema: string, projection: string, event: ProjectionEvent, error: Error, logger: Logger): Promise<void> {
  const reason = error.message.slice(0, REASON_CHARS);
  await db.query(
    `INSERT INTO ${qualified(schema, HOLES_TABLE)} (projection, stream_id, revision, event_id, user_id, reason) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (projection, stream_id, revision) DO UPDATE SET reason = excluded.reason, recorded_at = now()`,
    [projection, event.streamId, event.revision.toString(), event.eventId, event.metadata.userId ?? null, reason],
  );
  logger.error('projection hole: an event was dead-lettered and its stream goes on without it', { streamId: event.streamId, revision: event.revision.toString(), eventId: event.eventId, type: event.type, reason });
}

/** The revisions of `streamId` in `from..to` that `projection` dead-lettered. */
export async function holesIn(client: pg.ClientBase, schema: string, projection: string, streamId: string, from: bigint, to: bigint): Promise<Set<bigint>> {
  const { rows } = await client.query<{ revision: string }>(
    `SELECT revision FROM ${qualified(schema, HOLES_TABLE)} WHERE projection = $1 AND stream_id = $2 AND revision BETWEEN $3 AND $4`,
    [projection, streamId, from.toString(), to.toString()],
  );
  return new Set(rows.map((row) => BigInt(row.revision)));
}

export async function listHoles(db: pg.Pool | pg.ClientBase, schema: string, projection?: string): Promise<Hole[]> {
  const { rows } = await db.query<{ projection: string; stream_id: string; revision: string; reason: string }>(
    `SELECT projection, stream_id, revision, reason FROM ${qualified(schema, HOLES_TABLE)} WHERE $1::text IS NULL OR projection = $1 ORDER BY projection, recorded_at, stream_id, revision`,
    [projection ?? null],
  );
  return rows.map((row) => ({ projection: row.projection, streamId: row.stream_id, revision: BigInt(row.revision), reason: row.reason }));
}

/** Forgets `projection`'s holes (all, or one stream's); returns how many. */
export async function clearHoles(db: pg.Pool | pg.ClientBase, schema: string, projection: string, streamId?: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM ${qualified(schema, HOLES_TABLE)} WHERE projection = $1 AND ($2::text IS NULL OR stream_id = $2)`, [projection, streamId ?? null]);
  return rowCount ?? 0;
}

/** The erased user's reasons go (they may quote the user's data); the holes stay. */
export async function redactHoles(db: pg.Pool | pg.ClientBase, schema: string, userId: string): Promise<void> {
  await db.query(`UPDATE ${qualified(schema, HOLES_TABLE)} SET reason = '(erased)', user_id = NULL WHERE user_id = $1`, [userId]);
}

/** `projection_holes`, read on each scrape, and a `/ready` check that is degraded while any projection has holes. */
export function holesGauge(registry: Registry, db: pg.Pool, schema: string, projections: readonly string[]): () => Promise<{ ok: boolean; behind?: boolean; detail?: string }> {
  new Gauge({
    name: 'projection_holes',
    help: 'Events a projection dead-lettered and skipped (see projection_holes table); 0 when whole',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      const holes = await listHoles(db, schema).catch(() => undefined);
      if (!holes) return;
      for (const projection of projections) this.set({ projection }, holes.filter((hole) => hole.projection === projection).length);
    },
  });
  return async () => {
    const holes = (await listHoles(db, schema)).filter((hole) => projections.includes(hole.projection));
    if (!holes.length) return { ok: true };
    const first = holes[0]!;
    const detail = `${holes.length} dead-lettered event(s) skipped: ${[...new Set(holes.map((hole) => hole.projection))].join(', ')} (first ${first.projection} ${first.streamId}@${first.revision}: ${first.reason}); replay or rebuild, then clear the holes`;
    return { ok: false, behind: true, detail };
  };
}
