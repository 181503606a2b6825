import { expect } from 'chai';
import pg from 'pg';
import { migrate, type Migration } from './migrations.js';
import { useTestDatabase } from './testing/index.js';

const migrations: Migration[] = [
  { name: '001_notes', up: (knex) => knex.schema.createTable('notes', (t) => { t.increments('id'); t.text('body').notNullable(); }) },
  { name: '002_notes_author', up: (knex) => knex.schema.alterTable('notes', (t) => { t.text('author'); }) },
];

describe('migrations', () => {
  const db = useTestDatabase('dc_kit_migrate');

  it('applies pending migrations once, even when services start together', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => migrate({ url: db.url, owner: 'notes', migrations })));
    const applied = runs.flat();
    expect(applied).to.deep.equal(['001_notes', '002_notes_author']);
    expect(await migrate({ url: db.url, owner: 'notes', migrations })).to.deep.equal([]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'notes' ORDER BY ordinal_position");
    await client.end();
    expect(rows.map((row) => row.column_name)).to.deep.equal(['id', 'body', 'author']);
  });

  it('keeps each owner\'s history apart', async () => {
    const other: Migration[] = [{ name: '001_notes', up: (knex) => knex.schema.createTable('other_notes', (t) => t.increments('id')) }];
    expect(await migrate({ url: db.url, owner: 'other', migrations: other })).to.deep.equal(['001_notes']);
  });
});
