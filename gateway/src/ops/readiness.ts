import { onlyBehind, type Pool, type ReadinessCheck } from '@dreamcatcher/service-kit';

/**
 * `GET <base>/ready` must answer 200, or 503 only because the service is behind.
 *
 * Kubernetes takes an unready gateway out of service, and with it the whole API: commands,
 * and the reads of every projection. A projector that is up and connected but behind its
 * lag threshold makes its own reads stale, not the API unusable, so the gateway stays
 * ready and reports the lag here (and in `projection_lag_seconds`); a dependency that is
 * down or disconnected still makes it unready.
 */
export function httpReadyCheck(baseUrl: string): ReadinessCheck {
  return async () => {
    try {
      const res = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(1_500) });
      if (res.ok) {
        await res.body?.cancel();
        return { ok: true };
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (onlyBehind(body)) return { ok: true, detail: `up, but behind: ${failedDetails(body)}` };
      const why = failedDetails(body);
      return { ok: false, detail: `${baseUrl}/ready answered ${res.status}${why ? `: ${why}` : ''}` };
    } catch (error) {
      return { ok: false, detail: `${baseUrl} unreachable: ${(error as Error).message}` };
    }
  };
}

/** `name: detail` of each failed check in a kit `/ready` body; empty for any other body. */
function failedDetails(body: unknown): string {
  const checks = (body as { checks?: unknown } | null)?.checks;
  if (typeof checks !== 'object' || checks === null) return '';
  return Object.entries(checks as Record<string, { ok?: boolean; detail?: string } | null>)
    .filter(([, check]) => check?.ok !== true)
    .map(([name, check]) => `${name}: ${check?.detail ?? 'failed'}`)
    .join('; ');
}

export function databaseCheck(pool: Pool): ReadinessCheck {
  return async () => {
    await pool.query('SELECT 1');
    return { ok: true };
  };
}

/**
 * A check that gates readiness only until it has passed once. At start-up the gateway waits
 * for the rest of the system (so `npm start` and the tests begin with everything up); later
 * a relay or projector that goes down makes reads stale, not the API unusable, and taking
 * every gateway pod out of service for it would turn one failed pod into an outage. Such a
 * failure is then reported in the check's detail (and the lag gauges), with ok: true.
 */
export function requiredUntilReady(check: ReadinessCheck): ReadinessCheck {
  let wasReady = false;
  return async () => {
    const result = await check();
    if (result.ok) {
      wasReady = true;
      return result;
    }
    return wasReady ? { ok: true, detail: `was ready; now ${result.detail ?? 'failing'}` } : result;
  };
}

/** Each dependency's check, named by its base URL, required until it has been ready once (see `requiredUntilReady`). */
export function dependencyChecks(urls: readonly string[]): Record<string, ReadinessCheck> {
  return Object.fromEntries(urls.map((url) => [`dependency ${url}`, requiredUntilReady(httpReadyCheck(url))]));
}
