/**
 * HTTP with nothing in between: exact bytes for the body, exact header values (Latin-1
 * included), no JSON encoding and no header validation beyond what Node's client insists
 * on. What the bad-input and security suites need to send what a browser never would.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Absolute URL; the path and query are sent as given, unnormalised. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Whatever the body parsed to, for the suites to inspect.
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** Sends one request on a fresh connection and reads the whole answer. */
export function send({ method, url, headers = {}, body, timeoutMs = 30_000 }: RawRequest): Promise<RawAnswer> {
  const target = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method,
        // Everything after the authority, exactly as the caller wrote it.
        path: url.slice(url.indexOf('/', url.indexOf('//') + 2)),
        headers: { ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }), ...headers },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Percent-encodes a query value the way a careless client would not: every byte that needs it. */
export function query(params: [string, string][]): string {
  return params.length ? `?${params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}` : '';
}
