/**
 * The command service's tables, in schema `commands`, applied with the kit's knex runner
 * (`migrate({ owner: 'commands', migrations: commandMigrations })`).
 *
 * `idempotency_keys` remembers, per user and Idempotency-Key, which request was made
 * (`request_hash`) and the first answer given (`http_status`, `response`). A row is
 * `pending` while one caller executes the command (`claimed_at` starts its lease,
 * `claim_id` names that caller) and `done` once the answer is stored. `expires_at` bounds
 * how long a key is kept (24 hours by default); the index serves the purge.
 */
import type { Migration } from '@dreamcatcher/service-kit';

export const COMMANDS_SCHEMA = 'commands';
export const IDEMPOTENCY_TABLE = `${COMMANDS_SCHEMA}.idempotency_keys`;

export const commandMigrations: Migration[] = [
  {
    name: '001_idempotency_keys',
    async up(knex) {
      await knex.raw(`
        CREATE SCHEMA IF NOT EXISTS ${COMMANDS_SCHEMA};
        CREATE TABLE ${IDEMPOTENCY_TABLE} (
          user_id text NOT NULL,
          key text NOT NULL,
          request_hash text NOT NULL,
          status text NOT NULL CHECK (status IN ('pending', 'done')),
          response jsonb,
          http_status integer,
          claim_id uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          claimed_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          PRIMARY KEY (user_id, key),
          CHECK (status = 'pending' OR (response IS NOT NULL AND http_status IS NOT NULL))
        );
        CREATE INDEX idempotency_keys_expires_at_idx ON ${IDEMPOTENCY_TABLE} (expires_at);
      `);
    },
    async down(knex) {
      await knex.raw(`DROP TABLE IF EXISTS ${IDEMPOTENCY_TABLE}`);
    },
  },
];
