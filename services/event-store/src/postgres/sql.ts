/**
 * The statements of the PostgreSQL store. Appends are single statements (a data-modifying
 * CTE), so each is its own transaction and one round trip; they are named so that each
 * connection parses and plans them once.
 */
import type { ExpectedRevision } from '../event-store.js';
import { SCHEMA } from './schema.js';

/**
 * Parameters of an append of several events: $1 stream id, $2 jsonb array of { id, type,
 * data, metadata }, $3 event count, [$4 expected revision]. Of a single event (what nearly
 * every command appends): $1 stream id, $2 event id, $3 type, $4 data, $5 metadata,
 * [$6 expected revision]; PostgreSQL then parses no array document and copies no values
 * out of it (about 15% more appends per second at 32 writers, see the commit).
 */
export interface AppendStatement {
  name: string;
  text: string;
}

type Variant = 'any' | 'new' | 'exists' | 'exact';

/*
 * Each variant first moves the stream's row forward by the event count, and only if the
 * expectation holds; the row lock it takes serialises writers of one stream, and a writer
 * that waited re-checks its WHERE against the committed row (READ COMMITTED re-evaluation),
 * so a stale expectation returns no row and nothing is inserted. `previous` is the
 * revision before the append. `count` and `expected` are the parameters (or literal) that
 * hold the event count and the expected revision.
 */
function moveStream(variant: Variant, count: string, expected: string): string {
  switch (variant) {
    case 'any':
      return `INSERT INTO ${SCHEMA}.streams AS st (stream_id, revision) VALUES ($1, ${count}::bigint - 1)
    ON CONFLICT (stream_id) DO UPDATE SET revision = st.revision + ${count}::bigint WHERE NOT st.deleted
    RETURNING st.revision - ${count}::bigint AS previous`;
    case 'new':
      return `INSERT INTO ${SCHEMA}.streams (stream_id, revision) VALUES ($1, ${count}::bigint - 1)
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING -1::bigint AS previous`;
    case 'exists':
      return `UPDATE ${SCHEMA}.streams SET revision = revision + ${count}::bigint
    WHERE stream_id = $1 AND NOT deleted
    RETURNING revision - ${count}::bigint AS previous`;
    case 'exact':
      return `UPDATE ${SCHEMA}.streams SET revision = revision + ${count}::bigint
    WHERE stream_id = $1 AND revision = ${expected}::bigint AND NOT deleted
    RETURNING revision - ${count}::bigint AS previous`;
  }
}

/*
 * Position = (top-level transaction id << 20) + index within the append: see
 * postgres-store.ts for why readers can then never skip a late commit.
 */
const INSERT_EVENTS = `INSERT INTO ${SCHEMA}.events (position, stream_id, revision, event_id, type, data, metadata)
  SELECT (pg_current_xact_id()::text::bigint << 20) + e.ord - 1, $1, s.previous + e.ord,
         (e.value->>'id')::uuid, e.value->>'type', e.value->'data', e.value->'metadata'
  FROM s, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(value, ord)
  RETURNING event_id::text AS id, revision, position`;

const INSERT_EVENT = `INSERT INTO ${SCHEMA}.events (position, stream_id, revision, event_id, type, data, metadata)
  SELECT pg_current_xact_id()::text::bigint << 20, $1, s.previous + 1, $2::uuid, $3, $4::jsonb, $5::jsonb
  FROM s
  RETURNING event_id::text AS id, revision, position`;

function variantOf(expected: ExpectedRevision): Variant {
  return expected === 'any' ? 'any'
    : expected === 'no_stream' || expected === -1n ? 'new'
    : expected === 'stream_exists' ? 'exists'
    : 'exact';
}

export function appendStatement(expected: ExpectedRevision): { statement: AppendStatement; withRevision: boolean } {
  const variant = variantOf(expected);
  return {
    statement: { name: `event_store_append_${variant}`, text: `WITH s AS (${moveStream(variant, '$3', '$4')}) ${INSERT_EVENTS}` },
    withRevision: variant === 'exact',
  };
}

/** The statement appending exactly one event (parameters above). */
export function appendOneStatement(expected: ExpectedRevision): { statement: AppendStatement; withRevision: boolean } {
  const variant = variantOf(expected);
  return {
    statement: { name: `event_store_append_one_${variant}`, text: `WITH s AS (${moveStream(variant, '1', '$6')}) ${INSERT_EVENT}` },
    withRevision: variant === 'exact',
  };
}

/** Why an append wrote nothing: the stream's row, and which of the append's ids it already holds. */
export const DIAGNOSE_APPEND = `SELECT st.revision, st.deleted,
    (SELECT coalesce(json_agg(json_build_object('id', e.event_id, 'revision', e.revision::text, 'position', e.position::text)), '[]'::json)
       FROM ${SCHEMA}.events e WHERE e.stream_id = $1 AND e.event_id = ANY($2::uuid[])) AS stored
  FROM (SELECT 1) AS one LEFT JOIN ${SCHEMA}.streams st ON st.stream_id = $1`;

const EVENT_COLUMNS = 'e.event_id::text AS id, e.type, e.data, e.metadata, e.stream_id, e.revision, e.position';
const NOT_DELETED = `NOT EXISTS (SELECT 1 FROM ${SCHEMA}.streams s WHERE s.stream_id = $1 AND s.deleted)`;

/** $1 stream, $2 first revision (inclusive), $3 limit (null: all). */
export const READ_STREAM_FORWARDS = `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e
  WHERE e.stream_id = $1 AND e.revision >= $2 AND ${NOT_DELETED}
  ORDER BY e.revision LIMIT $3`;

export const READ_STREAM_BACKWARDS = `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e
  WHERE e.stream_id = $1 AND e.revision <= $2 AND ${NOT_DELETED}
  ORDER BY e.revision DESC LIMIT $3`;

/*
 * The visibility horizon: every transaction with an id below the snapshot's xmin has
 * finished, so no event can ever appear below `horizon` after this read.
 */
const HORIZON = `(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)`;

/**
 * $1 exclusive start position, $2 limit. One row per event in position order, or one row of
 * nulls when there is none; every row carries `held_back`: whether committed events exist
 * beyond the horizon (a reader should look again shortly, not wait for the next poll).
 */
export const READ_ALL = `WITH h AS MATERIALIZED (
    SELECT x.horizon, EXISTS (SELECT 1 FROM ${SCHEMA}.events b WHERE b.position >= x.horizon) AS held_back
    FROM (SELECT ${HORIZON} AS horizon) AS x
  )
  SELECT h.held_back, p.* FROM h LEFT JOIN LATERAL (
    SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e
    WHERE e.position > $1 AND e.position < h.horizon
    ORDER BY e.position LIMIT $2
  ) AS p ON true
  ORDER BY p.position`;

export const HEAD_POSITION = `SELECT coalesce(max(position), 0) AS head FROM ${SCHEMA}.events WHERE position < ${HORIZON}`;

export const STREAM_EXISTS = `SELECT EXISTS (
  SELECT 1 FROM ${SCHEMA}.streams WHERE stream_id = $1 AND NOT deleted AND revision >= 0) AS exists`;

/** The tombstone keeps the stream's last revision; a never-written stream is tombstoned at -1. */
export const DELETE_STREAM = `INSERT INTO ${SCHEMA}.streams (stream_id, revision, deleted) VALUES ($1, -1, true)
  ON CONFLICT (stream_id) DO UPDATE SET deleted = true`;

export const NOTIFY = 'SELECT pg_notify($1, \'\')';
