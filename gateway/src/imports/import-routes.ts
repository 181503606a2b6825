/**
 * `POST /imports` takes an export and answers 202 with the job that imports it;
 * `GET /imports/:id` shows the caller's job (another user's is a 404).
 */
import { rm } from 'node:fs/promises';
import type { RequestHandler } from 'express';
import { detectContainer, NotAnExportError, readHead } from '@dreamcatcher/imports';
import { NotFoundError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import { COMMAND_ROLES } from '../dreams/command-input.js';
import { uuidParam } from '../dreams/path-ids.js';
import { answerRefusedUpload } from '../http/refused-upload.js';
import { API_PREFIX, type RouteSpec } from '../http/routes.js';
import type { ImportJobs } from './import-jobs.js';
import type { ImportRunner } from './import-runner.js';
import { receiveUpload } from './import-upload.js';

/** Jobs one user may have waiting or running: each holds an upload of up to `maxBytes` on disk. */
export const MAX_ACTIVE_IMPORTS = 3;

export interface ImportSettings {
  /** Largest export accepted (IMPORT_MAX_BYTES). */
  maxBytes: number;
  /** Where uploads wait for their job (IMPORT_DIR). */
  dir: string;
}

function upload(jobs: ImportJobs, runner: ImportRunner, settings: ImportSettings): RequestHandler {
  return async (req, res) => {
    const principal = principalOf(req);
    if ((await jobs.activeCount(principal.userId)) >= MAX_ACTIVE_IMPORTS) {
      const message = `At most ${MAX_ACTIVE_IMPORTS} imports may wait or run at once; try again when one has finished`;
      res.setHeader('Retry-After', '30');
      return answerRefusedUpload(req, res, 429, { error: { code: 'too_many_imports', message } });
    }
    let path: string;
    try {
      path = await receiveUpload(req, settings.dir, settings.maxBytes);
    } catch (error) {
      if ((error as { status?: number }).status === 413) {
        const { code, message } = error as { code: string; message: string };
        return answerRefusedUpload(req, res, 413, { error: { code, message } });
      }
      throw error;
    }
    try {
      detectContainer(await readHead(path));
    } catch (error) {
      await rm(path, { force: true });
      if (error instanceof NotAnExportError) throw new ValidationError(error.message, [{ path: '/body', message: 'not a ChatGPT or Claude export' }]);
      throw error;
    }
    const work = await jobs.create(principal.userId, principal.roles, path);
    runner.enqueue(work);
    res.status(202).location(`${API_PREFIX}/imports/${work.id}`).json({ id: work.id, status: 'queued' });
  };
}

function show(jobs: ImportJobs): RequestHandler {
  return async (req, res) => {
    const id = uuidParam(req, 'importId');
    const job = await jobs.get(principalOf(req).userId, id);
    if (!job) throw new NotFoundError('Import not found');
    res.json(job);
  };
}

/** The upload route (mounted before the JSON body parser) and the status route. */
export function importRoutes(jobs: ImportJobs, runner: ImportRunner, settings: ImportSettings): { upload: RouteSpec; show: RouteSpec } {
  const roles = COMMAND_ROLES.ImportDream;
  return {
    upload: { method: 'post', path: '/imports', handlers: [requireAuth(...roles), upload(jobs, runner, settings)] },
    show: { method: 'get', path: '/imports/:importId', handlers: [requireAuth(...roles), show(jobs)] },
  };
}
