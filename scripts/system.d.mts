export interface ServicePlan {
  name: string;
  entry: string;
  env: Record<string, string>;
  url: string;
  /** Where /health, /ready and /metrics are served, when not at `url` (the gateway's ops port). */
  opsUrl?: string;
}
export interface SystemPorts {
  gateway: number;
  gatewayOps: number;
  command: number;
  relay: number;
  projectors: number[];
}
export interface RunningSystem {
  plan: ServicePlan[];
  url(name: string): string | undefined;
  /** The base URL of the service's /health, /ready and /metrics. */
  opsUrl(name: string): string | undefined;
  pid(name: string): number | undefined;
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  start(name: string): void;
  stop(): Promise<void>;
}
export const PROJECTIONS: string[];
export const DEVELOPMENT_ENV: { JWT_SECRET: string; COMMAND_SERVICE_TOKEN: string };
export function planSystem(options: { ports: SystemPorts; env?: Record<string, string> }): ServicePlan[];
/** The command that runs `entry` (a TypeScript entry of the repository) from its sources or from the compiled build. */
export function commandLine(entry: string, mode: 'source' | 'dist'): [string, string[]];
export function startSystem(
  plan: ServicePlan[],
  options?: {
    mode?: 'source' | 'dist';
    stdio?: 'inherit' | 'pipe';
    restartDelayMs?: number;
    onExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
    onOutput?: (name: string, text: string) => void;
  },
): RunningSystem;
export function waitForReady(url: string, options?: { timeoutMs?: number; intervalMs?: number }): Promise<void>;
