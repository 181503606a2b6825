/**
 * The load generator's HTTP client: node:http over a keep-alive agent with one socket per
 * concurrent client, so no request pays for a connection and nothing queues in the client.
 * (Plain node:http is lighter per request than fetch, which keeps the client's own CPU,
 * reported beside every HTTP figure, well below what the services use.)
 */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  text: string;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(baseUrl: string, connections: number) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  request(method: string, path: string, { headers = {}, body }: { headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: payload ? { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A JSON answer with one of `expected` statuses, or an error naming what came instead. */
  async json<T>(method: string, path: string, expected: number[], options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<T> {
    const answer = await this.request(method, path, options);
    if (!expected.includes(answer.status)) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    return JSON.parse(answer.text) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
