import type { Request, RequestHandler, Response } from 'express';
import { AppError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import type { Authenticator } from '../auth/middleware.js';
import type { RouteSpec } from '../http/routes.js';
import type { EndReason, LiveHub } from './hub.js';
import type { LiveEvent } from './messages.js';

/** Replays what a client missed after a position; `'reload'` when too much happened. */
export type Replay = (userId: string, after: bigint) => Promise<LiveEvent[] | 'reload'>;

export interface LiveOptions {
  hub: LiveHub;
  replay: Replay;
  heartbeatMs: number;
  /** Bytes a connection may have waiting to be sent before it is dropped. */
  maxBufferedBytes: number;
}

/** Seconds a refused live client is told to wait: connections of the same user end over time. */
export const LIVE_RETRY_AFTER_SECONDS = 30;

/** The 429 for a connection past a limit, with Retry-After. */
export function tooManyLiveConnections(res: Response | undefined, limit: 'per_user' | 'total'): AppError {
  res?.setHeader('Retry-After', String(LIVE_RETRY_AFTER_SECONDS));
  const message = limit === 'per_user' ? 'You hold as many live connections as allowed; close one first' : 'The gateway holds as many live connections as it allows; retry later';
  return new AppError(429, 'too_many_live_connections', message);
}

const POSITION = /^\d{1,20}$/;

/** A resume position (`Last-Event-ID`, `since`); 400 when present and not a position. */
export function resumePosition(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!POSITION.test(value.trim())) throw new ValidationError(`${name} must be a position`, [{ path: `/${name}`, message: 'must be a decimal position' }]);
  return BigInt(value.trim());
}

export function sseFrame(event: LiveEvent): string {
  if (event.position === undefined) return `event: ${event.message.type}\ndata: ${JSON.stringify(event.message)}\n\n`;
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

function stream({ hub, replay, heartbeatMs, maxBufferedBytes }: LiveOptions): RequestHandler {
  return async (req: Request, res: Response) => {
    const principal = principalOf(req);
    const since = resumePosition(req.get('last-event-id') ?? (req.query.lastEventId as string | undefined), 'Last-Event-ID');
    // Changes arriving while the replay runs wait behind it, so the client sees them in order.
    let buffered: LiveEvent[] | undefined = [];
    let open = true;
    const admission = hub.subscribe(principal, {
      deliver: (event) => (buffered ? buffered.push(event) : send(sseFrame(event))),
      end: (reason) => finish(reason),
    });
    if (!admission.admitted) throw tooManyLiveConnections(res, admission.limit);
    // A client that does not read lets answers pile up in memory: past the bound it is dropped.
    const send = (text: string) => {
      if (!open) return;
      if (!res.write(text) && res.writableLength > maxBufferedBytes) {
        admission.leave('slow_consumer');
        finish('slow_consumer');
      }
    };
    const finish = (reason: EndReason) => {
      if (!open) return;
      open = false;
      if (reason === 'slow_consumer') return void res.destroy();
      res.end(`event: end\ndata: ${JSON.stringify({ type: 'end', reason })}\n\n`);
    };
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    send('retry: 3000\n\n');
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
    // The response closes when the client goes away (or when the hub ended it): stop writing to it.
    res.on('close', () => {
      open = false;
      clearInterval(heartbeat);
      admission.leave('closed');
    });
    try {
      const missed = since === undefined ? [] : await replay(principal.userId, since);
      if (missed === 'reload') send('event: reload\ndata: {"type":"reload"}\n\n');
      else for (const event of missed) send(sseFrame(event));
    } finally {
      const pending = buffered ?? [];
      buffered = undefined;
      for (const event of pending) send(sseFrame(event));
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
