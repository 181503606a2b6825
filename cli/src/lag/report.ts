/** The lag report: each projection (and each of its partitions) and the relay, against the store head. */
import type { Lag } from '@dreamcatcher/projections';

export interface LagRow {
  /** `relay`, a projection, or `<projection>.p<i>` for a partition. */
  name: string;
  kind: 'relay' | 'projection' | 'partition';
  /** The checkpoint (decimal string); null when it has applied or published nothing yet. */
  checkpoint: string | null;
  /** Store head minus checkpoint (positions are sparse: a distance, not a count of events). */
  behindPositions: string;
  /** Age of the oldest event not yet applied or published; 0 when caught up. */
  behindSeconds: number;
}

export interface LagReport {
  head: string;
  items: LagRow[];
}

export function lagRow(name: string, kind: LagRow['kind'], checkpoint: bigint | undefined, lag: Lag | undefined): LagRow {
  return { name, kind, checkpoint: checkpoint?.toString() ?? null, behindPositions: (lag?.positions ?? 0n).toString(), behindSeconds: Math.round((lag?.seconds ?? 0) * 10) / 10 };
}

/** A fixed-width table for people. */
export function lagTable(report: LagReport): string[] {
  const header = ['NAME', 'CHECKPOINT', 'BEHIND (positions)', 'BEHIND (s)'];
  const rows = report.items.map((item) => [item.kind === 'partition' ? `  ${item.name}` : item.name, item.checkpoint ?? 'none', item.behindPositions, item.behindSeconds.toFixed(1)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [`store head ${report.head}`, line(header), ...rows.map(line)];
}
