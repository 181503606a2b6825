/** What every stage of the benchmark is given by `run.ts`. */
import type { Window } from './measure.js';

export interface StageContext {
  quick: boolean;
  /** How many times each figure is measured (its median and spread are reported). */
  runs: number;
  /** Warm-up and measured window of each timed run. */
  window: Window;
  log(message: string): void;
  /** Registers cleanup (dropping databases and vhosts, stopping processes); run last-first at the end. */
  cleanup(step: () => Promise<unknown>): void;
}
