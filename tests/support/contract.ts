/**
 * Holds every HTTP answer a spec receives to the published contract: the OpenAPI response
 * of its operation and status (body schema, documented headers, media type). A shape, status
 * or header that changes without `contracts/openapi.yaml` changing fails the spec that saw it.
 */
import { AssertionError } from 'chai';
import { validateHttpResponse, type Violation } from '@dreamcatcher/contracts';

export interface ReceivedAnswer {
  method: string;
  /** Full request path from the server root, e.g. `/api/v1/dreams?limit=2`. */
  path: string;
  status: number;
  headers: Headers;
  /** The raw body text. */
  text: string;
}

const JSON_TYPE = /^application\/(.+\+)?json\b/;

/** The violations of one answer, including a JSON answer that does not parse. */
export function contractViolations(answer: ReceivedAnswer): Violation[] {
  let body: unknown;
  if (answer.text !== '') {
    // Non-JSON bodies (Prometheus text, an event stream) are checked by their media type only.
    if (!JSON_TYPE.test(answer.headers.get('content-type') ?? '')) body = answer.text;
    else {
      try {
        body = JSON.parse(answer.text);
      } catch {
        return [{ path: '/body', message: 'must be valid JSON (the Content-Type says JSON)' }];
      }
    }
  }
  return validateHttpResponse({ method: answer.method, path: answer.path, status: answer.status, headers: answer.headers, body });
}

/** Throws an AssertionError listing every violation when `answer` departs from the contract. */
export function assertAsDocumented(answer: ReceivedAnswer): void {
  const violations = contractViolations(answer);
  if (violations.length === 0) return;
  const lines = violations.map((v) => `  ${v.path || '(answer)'} ${v.message}`).join('\n');
  throw new AssertionError(
    `${answer.method} ${answer.path} answered ${answer.status} off the OpenAPI contract:\n${lines}\nbody: ${answer.text.slice(0, 1_500)}`,
  );
}
