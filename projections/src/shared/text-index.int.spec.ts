import { expect } from 'chai';
import { migrateReadModels } from '../migrations.js';
import { useReadModelDatabase } from '../testing/harness.js';
import { poisonText } from '../testing/poison-text.js';

describe('migration 004_bounded_text_index', function () {
  this.timeout(30_000);
  const database = useReadModelDatabase('dc_proj_text_index');
  const expression = async () =>
    (
      await database.db.pool.query<{ expression: string }>(
        `SELECT pg_get_expr(d.adbin, d.adrelid) AS expression FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
          WHERE d.adrelid = 'read_models.dream_search_fragments'::regclass AND a.attname = 'search_vector'`,
      )
    ).rows[0]!.expression;
  const insert = (content: string) =>
    database.db.pool.query(
      `INSERT INTO read_models.dream_search_fragments (dream_id, fragment_id, owner_id, title, content) VALUES (gen_random_uuid(), gen_random_uuid(), 'u', 't', $1)`,
      [content],
    );

  it('bounds the tsvector of tables created before the bound, keeping their rows and index', async () => {
    const { pool } = database.db;
    await pool.query(`ALTER TABLE read_models.dream_search_fragments DROP COLUMN search_vector,
      ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'B') || setweight(to_tsvector('english', content), 'C')) STORED`);
    await pool.query(`DELETE FROM knex_migrations_read_models WHERE name = '004_bounded_text_index'`);
    await insert('an older row about kites');
    const refused = await insert(poisonText()).then(() => 'stored', (error: Error) => error.message);
    expect(refused).to.match(/too long for tsvector/);

    expect(await migrateReadModels(database.db.url)).to.deep.equal(['004_bounded_text_index']);
    expect(await expression()).to.contain('50000');
    await insert(poisonText());
    const { rows } = await pool.query(`SELECT content FROM read_models.dream_search_fragments WHERE search_vector @@ to_tsquery('english', 'kites')`);
    expect(rows).to.deep.equal([{ content: 'an older row about kites' }]);
    const index = await pool.query(`SELECT 1 FROM pg_indexes WHERE schemaname = 'read_models' AND indexname = 'dream_search_fragments_vector'`);
    expect(index.rowCount).to.equal(1);
  });
});
