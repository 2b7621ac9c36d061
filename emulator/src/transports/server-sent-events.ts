import type { ServerResponse } from 'node:http';
import type { HubConnection } from '../connection/hub-connection.js';
import { MAX_PENDING_BYTES, type OverflowHandler, type Transport } from './transport.js';

/**
 * Server-Sent Events: server-to-client messages as `data:` events on a long-lived GET response;
 * the client sends with POST requests, which the client endpoint feeds to the connection.
 */
export class ServerSentEventsTransport implements Transport {
  readonly kind = 'ServerSentEvents' as const;
  private ended = false;
  private overflowed = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly onOverflow: OverflowHandler,
  ) {}

  static bind(response: ServerResponse, connection: HubConnection): ServerSentEventsTransport {
    const transport = new ServerSentEventsTransport(response, () => connection.closeSlowClient());
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    // A comment line makes the headers and the stream start reach the client at once.
    response.write(':\r\n\r\n');
    connection.attach(transport);
    response.on('close', () => connection.transportClosed());
    return transport;
  }

  /** Text only: the connection refuses binary protocols on this transport at the handshake. */
  write(data: Buffer): void {
    if (this.ended || this.response.writableEnded) return;
    if (this.response.writableLength > MAX_PENDING_BYTES && !this.overflowed) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    // Hub messages never contain raw line breaks (JSON escapes them), but an SSE event must
    // not either, so split defensively.
    const lines = data.toString('utf8').split(/\r?\n/);
    this.response.write(lines.map((line) => `data: ${line}\r\n`).join('') + '\r\n');
  }

  drained(): Promise<void> {
    if (this.response.writableFinished || this.response.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.response.once('close', () => resolve()));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.response.end();
  }
}
