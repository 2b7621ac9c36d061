import { Agent, request } from 'node:http';
import type { Target } from './target.js';

export interface BroadcastOutcome {
  status: number;
  /** Sent a second time after a kept-alive socket was closed under it (see below). */
  retried: boolean;
}

/** Sends broadcasts through the data-plane REST API over kept-alive connections. */
export class Broadcaster {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly target: Target) {}

  /**
   * Resolves once the server has answered. A server closes idle kept-alive sockets (Node's
   * default after 5 s); a request written just as that happens fails with ECONNRESET on a reused
   * socket, and was never processed, so it is sent once more, as Node's documentation advises.
   */
  async send(body: string, timeoutMs = 10_000): Promise<BroadcastOutcome> {
    try {
      return { status: await this.post(body, timeoutMs), retried: false };
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return { status: await this.post(body, timeoutMs), retried: true };
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private post(body: string, timeoutMs: number): Promise<number> {
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
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && error.code === 'ECONNRESET';
        reject(stale ? new StaleSocketError(error.message) : error);
      });
      req.end(body);
    });
  }
}

class StaleSocketError extends Error {}
