/** Compares a projection's rebuilt tables with the live ones, row for row. */
import type pg from 'pg';
import { quoteIdent } from '@dreamcatcher/service-kit';
import { ownedTables, type Projection } from '../runtime/projection.js';
import { qualified } from '../runtime/table.js';

export interface TableDifference {
  table: string;
  /** Rows only the live table has (or has in another version). */
  onlyLive: number;
  /** Rows only the rebuilt table has (or has in another version). */
  onlyRebuilt: number;
  /** Keys of a few differing rows. */
  samples: Record<string, unknown>[];
}

export async function compareTables(client: pg.ClientBase, projection: Projection, live: string, rebuilt: string): Promise<TableDifference[]> {
  const differences: TableDifference[] = [];
  for (const spec of ownedTables(projection)) {
    const [a, b] = [qualified(live, spec.name), qualified(rebuilt, spec.name)];
    const keys = spec.key.map((column: string) => quoteIdent(column)).join(', ');
    const { rows } = await client.query<{ side: 'live' | 'rebuilt'; key: Record<string, unknown>; n: string }>(
      `WITH only_live AS (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}),
            only_rebuilt AS (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})
       (SELECT 'live' AS side, to_jsonb(k) AS key, count(*) OVER () AS n FROM (SELECT ${keys} FROM only_live) k LIMIT 5)
       UNION ALL
       (SELECT 'rebuilt', to_jsonb(k), count(*) OVER () FROM (SELECT ${keys} FROM only_rebuilt) k LIMIT 5)`,
    );
    if (!rows.length) continue;
    const count = (side: string) => Number(rows.find((row) => row.side === side)?.n ?? 0);
    differences.push({ table: spec.name, onlyLive: count('live'), onlyRebuilt: count('rebuilt'), samples: rows.map((row) => ({ side: row.side, ...row.key })) });
  }
  return differences;
}
