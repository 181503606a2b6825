/**
 * Receiving an export: the body (raw JSON or zip, or the `file` field of a multipart form)
 * is streamed to a file of its own, never held in memory, and cut off with a 413 once it
 * passes the configured size.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, PayloadTooLargeError, ValidationError } from '@dreamcatcher/service-kit/errors';

const RAW_TYPES = ['application/json', 'application/zip', 'application/x-zip-compressed'];

export function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`An export may be at most ${maxBytes} bytes`);
}

/** Counts the bytes passing through, failing past `maxBytes`. */
function bounded(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
}

/** The upload's file part: the body itself, or the multipart `file` field. */
function uploadStream(req: Request, maxBytes: number): Promise<Readable> {
  if (req.is(RAW_TYPES)) return Promise.resolve(req);
  if (!req.is('multipart/form-data')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the export as application/json, application/zip or a multipart/form-data field "file"');
  }
  return new Promise((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      form = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes + 1, fields: 10, parts: 20 } });
    } catch {
      return reject(new ValidationError('The multipart form could not be read', [{ path: '/body', message: 'must be multipart/form-data with a boundary' }]));
    }
    let found = false;
    form.on('file', (name, stream) => {
      if (name !== 'file' || found) return void stream.resume();
      found = true;
      resolve(stream);
    });
    form.on('error', () => reject(new ValidationError('The multipart form could not be read', [{ path: '/body', message: 'malformed multipart body' }])));
    form.on('close', () => {
      if (!found) reject(new ValidationError('The form has no "file" field', [{ path: '/body/file', message: 'is required' }]));
    });
    req.pipe(form);
  });
}

/** Writes the upload to a new file under `dir`; the path, or an error with nothing left behind. */
export async function receiveUpload(req: Request, dir: string, maxBytes: number): Promise<string> {
  if (Number(req.headers['content-length']) > maxBytes + 64 * 1024) throw tooLarge(maxBytes);
  const source = await uploadStream(req, maxBytes);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${randomUUID()}.upload`);
  try {
    await pipeline(source, bounded(maxBytes), createWriteStream(path, { mode: 0o600 }));
    return path;
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof AppError) throw error;
    throw new ValidationError('The upload ended before it was complete', [{ path: '/body', message: 'incomplete upload' }]);
  }
}
