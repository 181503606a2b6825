/** Every case the security suite tried, with what was expected and what happened, printed as one table. */

export interface CaseResult {
  area: string;
  name: string;
  expected: string;
  actual: string;
  passed: boolean;
}

export interface Verdict {
  passed: boolean;
  actual: string;
}

export class SecurityReport {
  readonly results: CaseResult[] = [];

  /** Runs one case; a probe that throws fails the case with its message. */
  async check(area: string, name: string, expected: string, probe: () => Promise<Verdict>): Promise<void> {
    let verdict: Verdict;
    try {
      verdict = await probe();
    } catch (error) {
      verdict = { passed: false, actual: `threw: ${(error as Error).message}` };
    }
    this.results.push({ area, name, expected, ...verdict });
  }

  failures(area: string): string[] {
    return this.results.filter((result) => result.area === area && !result.passed).map((result) => `${result.name}: expected ${result.expected}, got ${result.actual}`);
  }

  format(): string {
    const header = ['area', 'case', 'expected', 'result', ''];
    const rows = this.results.map((result) => [result.area, result.name, result.expected, result.actual, result.passed ? 'ok' : 'FAIL']);
    const widths = header.map((_, column) => Math.min(70, Math.max(header[column]!.length, ...rows.map((row) => row[column]!.length))));
    const line = (row: string[]) => row.map((cell, column) => (cell.length > widths[column]! ? `${cell.slice(0, widths[column]! - 1)}…` : cell.padEnd(widths[column]!))).join('  ').trimEnd();
    const passed = this.results.filter((result) => result.passed).length;
    return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), '', `${passed}/${this.results.length} cases as expected`].join('\n');
  }
}

/** A verdict on an HTTP status: passed when it is one of `expected`. */
export function statusIs(status: number, ...expected: number[]): Verdict {
  return { passed: expected.includes(status), actual: String(status) };
}
