import { Agent, request } from 'node:http';
import type { Target } from './target.js';

/** Sends broadcasts through the data-plane REST API over kept-alive connections. */
export class Broadcaster {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly target: Target) {}

  /** Resolves with the HTTP status once the server has answered. */
  send(body: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.target.broadcastUrl,
        {
          method: 'POST',
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${this.target.restToken()}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`broadcast: no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
