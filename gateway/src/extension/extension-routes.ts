/**
 * The extension's legacy forms of import and capture, served on the same paths as ours.
 * A body in the extension's shape is translated (wire.ts) and sent as our command; the
 * answer is its `ImportResult` with our answer's fields beside it. Any other body falls
 * through to the ordinary command route. Both are upserts keyed by the caller and the
 * extension's ids or the dream's name, so a re-post without an Idempotency-Key is harmless.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { assertValidCommand, assertValidHttpBody, isUuid, type CommandType } from '@dreamcatcher/contracts';
import { AppError, errorBody } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import type { RouteSpec } from '../http/routes.js';
import type { CommandServiceClient } from '../dreams/command-client.js';
import { COMMAND_ROLES, entityTag } from '../dreams/command-input.js';
import { commandMetadata } from '../dreams/command-routes.js';
import type { ReadModels } from '../dreams/read-models.js';
import { captureFromExtension, importFromExtension, type ExtensionCapture, type ExtensionDream } from './wire.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The extension's dream carries its own (non-UUID) ids and times; ours never does. */
export function isExtensionImport(body: unknown): boolean {
  if (!isObject(body) || !isObject(body.dream)) return false;
  const { dream } = body;
  const fragments = Array.isArray(dream.fragments) ? dream.fragments : [];
  return (typeof dream.id === 'string' && !isUuid(dream.id)) || 'created' in dream || 'updated' in dream || fragments.some((f) => isObject(f) && 'id' in f);
}

/** The extension names the dream to capture into; ours names an id or nothing. */
export function isExtensionCapture(body: unknown): boolean {
  return isObject(body) && 'dreamName' in body;
}

function answer(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const etag = entityTag(headers, body);
  if (etag && status < 400) res.setHeader('ETag', etag);
  if (status >= 400) {
    res.status(status).json({ success: false, ...(body as object) });
    return;
  }
  const { dreamId } = body as { dreamId: string };
  if (status === 201) res.setHeader('Location', `/api/v1/dreams/${dreamId}`);
  res.status(status).json({ success: true, dream_id: dreamId, ...(body as object) });
}

type Translate = (req: Request) => Promise<unknown>;

function legacyHandler(type: CommandType, applies: (body: unknown) => boolean, bodySchema: string, translate: Translate, commands: CommandServiceClient): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!applies(req.body)) return next();
    try {
      assertValidHttpBody(bodySchema, req.body);
      const data = await translate(req);
      assertValidCommand(type, data);
      const result = await commands.send(type, { data, metadata: commandMetadata(req) });
      answer(res, result.status, result.body, result.headers);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      answer(res, error.status, errorBody(error));
    }
  };
}

export function extensionRoutes(commands: CommandServiceClient, readModels: ReadModels): RouteSpec[] {
  const toImport: Translate = async (req) => importFromExtension((req.body as { dream: ExtensionDream }).dream);
  const toCapture: Translate = async (req) => {
    const capture = req.body as ExtensionCapture;
    // A dream of that name the caller already holds wins; else the one the name keys.
    const held = await readModels.findDreamByName(principalOf(req).userId, capture.dreamName);
    return captureFromExtension(capture, held?.id);
  };
  return [
    { method: 'post', path: '/dreamcatcher/import', handlers: [requireAuth(...COMMAND_ROLES.ImportDream), legacyHandler('ImportDream', isExtensionImport, 'ExtensionImportBody', toImport, commands)] },
    { method: 'post', path: '/conversations/capture', handlers: [requireAuth(...COMMAND_ROLES.CaptureFragment), legacyHandler('CaptureFragment', isExtensionCapture, 'ExtensionCaptureBody', toCapture, commands)] },
  ];
}
