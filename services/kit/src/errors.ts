/**
 * Errors that carry their HTTP meaning. Code anywhere below a route throws these;
 * one middleware turns them into `{ error: { code, message, details? } }` with
 * `status`. Anything else is a logged 500 without internals.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One schema or rule violation, located by JSON Pointer into the input. */
export interface Violation {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, readonly violations: Violation[] = []) {
    super(400, 'validation_failed', message, violations.length ? { violations } : undefined);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(409, code, message, details);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(message: string, details?: unknown) {
    super(412, 'precondition_failed', message, details);
  }
}

export class UnprocessableError extends AppError {
  constructor(message: string, code = 'unprocessable', details?: unknown) {
    super(422, code, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'Request body too large') {
    super(413, 'payload_too_large', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', 'Too many requests', { retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'Service unavailable', readonly retryAfterSeconds?: number) {
    super(503, 'unavailable', message);
  }
}

/** The JSON error body every service answers with. */
export function errorBody(error: AppError): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) } };
}
