/**
 * The CRUD baseline: the same capture endpoint in the shape of a conventional,
 * non-event-sourced design. One Express process verifies the same kind of JWT, validates
 * the body with the same contract validator, and writes the dream and fragment rows
 * directly, in one statement (one round trip, one transaction); a retried request with
 * the same Idempotency-Key inserts nothing, as the extension's retries require. Run as its
 * own process: `PORT`, `DATABASE_URL`, `JWT_SECRET`.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { jwtVerify } from 'jose';
import { assertValidCommand } from '@dreamcatcher/contracts';
import { closeServer, connectPostgres, runService } from '@dreamcatcher/service-kit';
import { AppError, errorBody, NotFoundError } from '@dreamcatcher/service-kit/errors';

const SCHEMA = `
CREATE SCHEMA IF NOT EXISTS crud;
CREATE TABLE IF NOT EXISTS crud.dreams (
  dream_id uuid PRIMARY KEY, owner_id text NOT NULL, title text NOT NULL, brand text NOT NULL, tags text[] NOT NULL,
  status text NOT NULL, fragment_count int NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS dreams_owner_updated ON crud.dreams (owner_id, updated_at DESC, dream_id DESC);
CREATE TABLE IF NOT EXISTS crud.fragments (
  fragment_id uuid PRIMARY KEY, dream_id uuid NOT NULL REFERENCES crud.dreams, owner_id text NOT NULL, title text NOT NULL,
  content text NOT NULL, source text NOT NULL, url text, mode text NOT NULL, captured_at timestamptz NOT NULL,
  idempotency_key text UNIQUE);`;

// A new dream and its first fragment together; nothing when the key was seen.
const CREATE = `WITH d AS (
    INSERT INTO crud.dreams VALUES ($1, $2, $3, $4, $5, 'idea', 1, now(), now()) RETURNING dream_id)
  INSERT INTO crud.fragments SELECT $6, d.dream_id, $2, $7, $8, $9, $10, $11, now(), $12 FROM d
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING dream_id`;

// A fragment into one of the caller's dreams, and the dream's count and time moved on.
const CAPTURE = `WITH d AS (
    UPDATE crud.dreams SET fragment_count = fragment_count + 1, updated_at = now() WHERE dream_id = $1 AND owner_id = $2 RETURNING dream_id)
  INSERT INTO crud.fragments SELECT $3, d.dream_id, $2, $4, $5, $6, $7, $8, now(), $9 FROM d
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING dream_id`;

interface Capture {
  dreamId?: string;
  dreamTitle?: string;
  brand?: string;
  tags?: string[];
  fragment: { title: string; content: string; source: string; url?: string; mode?: string };
}

await runService('crud-baseline', async (service) => {
  const port = Number(process.env.PORT ?? 8090);
  const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? 'dev-secret-change-me');
  const pool = await connectPostgres({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dreamcatcher_crud', applicationName: 'crud-baseline' });
  service.onShutdown(() => pool.end());
  await pool.query(SCHEMA);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.use(async (req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token) throw new AppError(401, 'unauthorized', 'Missing bearer token');
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }).catch(() => {
      throw new AppError(401, 'unauthorized', 'Token is not valid');
    });
    res.locals.userId = payload.sub!;
    next();
  });
  app.use(express.json({ limit: '1mb' }));
  app.post('/api/v1/conversations/capture', async (req, res) => {
    const body = req.body as Capture;
    assertValidCommand('CaptureFragment', body);
    const { fragment } = body;
    const key = req.get('idempotency-key') ?? null;
    const fragmentValues = [fragment.title, fragment.content, fragment.source, fragment.url ?? null, fragment.mode ?? 'all', key];
    const fragmentId = randomUUID();
    if (body.dreamId) {
      const { rowCount } = await pool.query({ name: 'capture', text: CAPTURE, values: [body.dreamId, res.locals.userId as string, fragmentId, ...fragmentValues] });
      if (!rowCount && !key) throw new NotFoundError('Dream not found');
      res.status(200).json({ dreamId: body.dreamId, fragmentId });
      return;
    }
    const dreamId = randomUUID();
    const title = body.dreamTitle ?? fragment.title;
    await pool.query({ name: 'create', text: CREATE, values: [dreamId, res.locals.userId as string, title, body.brand ?? 'personal', body.tags ?? [], fragmentId, ...fragmentValues] });
    res.status(201).json({ dreamId, fragmentId });
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const appError = error instanceof AppError ? error : new AppError(500, 'internal', (error as Error).message);
    res.status(appError.status).json(errorBody(appError));
  });

  const server = app.listen(port, '127.0.0.1');
  service.onShutdown(() => closeServer(server));
});

