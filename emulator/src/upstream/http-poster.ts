import http from 'node:http';
import https from 'node:https';

/**
 * POSTs one upstream request with a hard deadline and a bounded response. Written over
 * node:http rather than fetch because header values must go out as raw bytes (non-ASCII claims)
 * and because a hung upstream must be cut by one timer covering connect, headers and body.
 */

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Why a request produced no response; `message` is safe to log and to show a client. */
export class UpstreamFailure extends Error {}

/** The official emulator refuses upstream responses above 16 MB; so do we. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export class HttpPoster {
  // No socket cap: each connection has at most one request in flight, and a cap would let
  // requests hung on one path hold back the requests of every other connection.
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(private readonly timeoutMs: number) {}

  post(url: string, headers: Record<string, string>, body: string): Promise<UpstreamResponse> {
    const target = new URL(url);
    const payload = Buffer.from(body, 'utf8');
    const transport = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const request = transport.request(target, {
        method: 'POST',
        agent,
        headers: { ...headers, 'Content-Length': String(payload.length) },
      });
      this.inFlight.add(request);
      const timer = setTimeout(
        () => fail(new UpstreamFailure(`no response within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      let settled = false;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
      };
      const fail = (error: UpstreamFailure) => {
        if (settled) return;
        finish();
        request.destroy();
        reject(error);
      };
      request.on('error', (error: NodeJS.ErrnoException) => {
        fail(new UpstreamFailure(error.code ? `${error.code}` : error.message));
      });
      request.on('response', (response) => {
        const declared = Number(response.headers['content-length'] ?? '0');
        if (declared > MAX_RESPONSE_BYTES) {
          fail(new UpstreamFailure('response too large'));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) fail(new UpstreamFailure('response too large'));
          else chunks.push(chunk);
        });
        response.on('error', () => fail(new UpstreamFailure('response aborted')));
        response.on('aborted', () => fail(new UpstreamFailure('response aborted')));
        response.on('end', () => {
          if (settled) return;
          finish();
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks),
          });
        });
      });
      request.end(payload);
    });
  }

  /** Cuts every request still waiting (they fail) and closes idle sockets. */
  destroy(): void {
    for (const request of this.inFlight) request.destroy(new Error('emulator stopped'));
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
