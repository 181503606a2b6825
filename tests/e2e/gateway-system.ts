/**
 * One whole system (gateway, command service, relay, projectors) shared by the gateway's
 * end-to-end specs: starting it takes long, so it starts once, on first use, and stops
 * after the last spec of the run. `Api` calls it with real signed tokens, and holds every
 * answer to the OpenAPI contract before a spec sees it.
 */
import { openSse, type SseClient } from '@dreamcatcher/gateway/testing';
import { assertAsDocumented } from '../support/contract.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

let started: Promise<TestSystem> | undefined;

/** The shared system, started on the first call. */
export function gatewaySystem(): Promise<TestSystem> {
  started ??= startTestSystem();
  return started;
}

// A root-level hook (this module is loaded while mocha reads the spec files): runs once, at the very end.
after(async function () {
  this.timeout(60_000);
  if (started) await (await started.catch(() => undefined))?.stop();
});

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Specs read whatever the answer holds.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the API below `/api/v1`; every answer is checked against the contract (see support/contract.ts). */
export class Api {
  constructor(readonly system: TestSystem) {}

  async call(method: string, path: string, { token, body, headers = {} }: CallOptions = {}): Promise<Reply> {
    const res = await fetch(`${this.system.api}${path}`, {
      method,
      headers: {
        ...(token && { authorization: token.startsWith('dc_') ? `ApiKey ${token}` : `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const { pathname, search } = new URL(res.url);
    assertAsDocumented({ method, path: `${pathname}${search}`, status: res.status, headers: res.headers, text });
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  /** Opens `GET /live`; its answer (status, headers, media type) is checked against the contract like any other. */
  async live(headers: Record<string, string>): Promise<SseClient> {
    const client = await openSse(`${this.system.api}/live`, headers);
    assertAsDocumented({ method: 'GET', path: '/api/v1/live', status: client.status, headers: client.headers, text: '' });
    return client;
  }

  /** A query that reads its own write: waits for the projections to reach `position`. */
  read(path: string, token: string, position: string): Promise<Reply> {
    return this.call('GET', path, { token, headers: { 'x-min-position': position } });
  }
}

export function aCapture(overrides: Record<string, unknown> = {}, fragment: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dreamTitle: 'Offline-first habit tracker',
    brand: 'bc-studio',
    tags: ['mobile', 'habits'],
    fragment: {
      title: 'Streak logic',
      content: 'How should the app count streaks when the phone was offline for two days?',
      source: 'chatgpt',
      url: 'https://chat.openai.com/c/streaks',
      mode: 'all',
      ...fragment,
    },
    ...overrides,
  };
}

export const uniqueUser = (name: string): string => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
