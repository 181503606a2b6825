import type { Pool, ReadinessCheck } from '@dreamcatcher/service-kit';

/** `GET <base>/ready` must answer 200. */
export function httpReadyCheck(baseUrl: string): ReadinessCheck {
  return async () => {
    try {
      const res = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(1_500) });
      await res.body?.cancel();
      return res.ok ? { ok: true } : { ok: false, detail: `${baseUrl}/ready answered ${res.status}` };
    } catch (error) {
      return { ok: false, detail: `${baseUrl} unreachable: ${(error as Error).message}` };
    }
  };
}

export function databaseCheck(pool: Pool): ReadinessCheck {
  return async () => {
    await pool.query('SELECT 1');
    return { ok: true };
  };
}

/** Each dependency's check, named by its base URL. */
export function dependencyChecks(urls: readonly string[]): Record<string, ReadinessCheck> {
  return Object.fromEntries(urls.map((url) => [`dependency ${url}`, httpReadyCheck(url)]));
}
