import type { Request, RequestHandler, Response } from 'express';
import { AppError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import type { Authenticator } from '../auth/middleware.js';
import type { RouteSpec } from '../http/routes.js';
import type { LiveHub } from './hub.js';
import type { LiveEvent } from './messages.js';

/** Replays what a client missed after a position; `'reload'` when too much happened. */
export type Replay = (userId: string, after: bigint) => Promise<LiveEvent[] | 'reload'>;

export interface LiveOptions {
  hub: LiveHub;
  replay: Replay;
  heartbeatMs: number;
}

const POSITION = /^\d{1,20}$/;

/** A resume position (`Last-Event-ID`, `since`); 400 when present and not a position. */
export function resumePosition(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!POSITION.test(value.trim())) throw new ValidationError(`${name} must be a position`, [{ path: `/${name}`, message: 'must be a decimal position' }]);
  return BigInt(value.trim());
}

export function sseFrame(event: LiveEvent): string {
  return `id: ${event.position}\nevent: ${event.message.type}\ndata: ${JSON.stringify({ ...event.message, position: event.position })}\n\n`;
}

/**
 * EventSource cannot send headers, so /live also takes the token as `?access_token=`
 * (or `?token=`) when no Authorization header came.
 */
export function identifyFromQuery(authenticator: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    const token = req.query.access_token ?? req.query.token;
    if (!req.principal && !req.authError && typeof token === 'string' && token) {
      try {
        req.principal = await authenticator.authenticate(`Bearer ${token}`);
      } catch (error) {
        req.authError = error as Error;
      }
    }
    next();
  };
}

function stream({ hub, replay, heartbeatMs }: LiveOptions): RequestHandler {
  return async (req: Request, res: Response) => {
    const { userId } = principalOf(req);
    const since = resumePosition(req.get('last-event-id') ?? (req.query.lastEventId as string | undefined), 'Last-Event-ID');
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    // Changes arriving while the replay runs wait behind it, so the client sees them in order.
    let buffered: LiveEvent[] | undefined = [];
    const write = (event: LiveEvent) => (buffered ? buffered.push(event) : res.write(sseFrame(event)));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    const unsubscribe = hub.subscribe(userId, { deliver: write, end: () => res.end() });
    // The response closes when the client goes away (or at shutdown): stop writing to it.
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    try {
      const missed = since === undefined ? [] : await replay(userId, since);
      if (missed === 'reload') res.write('event: reload\ndata: {"type":"reload"}\n\n');
      else for (const event of missed) res.write(sseFrame(event));
    } finally {
      const pending = buffered ?? [];
      buffered = undefined;
      for (const event of pending) res.write(sseFrame(event));
    }
  };
}

/** A plain GET of the WebSocket path: the upgrade is handled by the server's `upgrade` event, never here. */
const upgradeRequired: RequestHandler = (_req, res) => {
  res.setHeader('Upgrade', 'websocket');
  throw new AppError(426, 'upgrade_required', 'This path speaks WebSocket only');
};

export function liveRoutes(authenticator: Authenticator, options: LiveOptions): RouteSpec[] {
  return [
    { method: 'get', path: '/live', handlers: [identifyFromQuery(authenticator), requireAuth(), stream(options)] },
    { method: 'get', path: '/ws', handlers: [identifyFromQuery(authenticator), requireAuth(), upgradeRequired] },
  ];
}
