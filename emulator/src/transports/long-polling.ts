import type { ServerResponse } from 'node:http';
import { MAX_PENDING_BYTES, type OverflowHandler, type Transport } from './transport.js';

/** Longest a poll is held open; below the client's own 100 s poll timeout. */
const POLL_TIMEOUT_MS = 90_000;

/**
 * Long polling: messages queue until the client's next GET poll takes them all; a poll with
 * nothing to take waits. After the end, queued messages (the Close) are still delivered, then
 * polls get 204, which tells the client the server ended the connection.
 */
export class LongPollingTransport implements Transport {
  readonly kind = 'LongPolling' as const;
  private readonly queue: Buffer[] = [];
  /** Poll responses carry raw bytes for a binary protocol, UTF-8 text otherwise. */
  private binary = false;
  private queuedLength = 0;
  private overflowed = false;
  private pendingPoll: { response: ServerResponse; timer: NodeJS.Timeout } | undefined;
  private ended = false;
  private firstPoll = true;
  private readonly drainWaiters: Array<() => void> = [];

  constructor(private readonly onOverflow: OverflowHandler) {}

  write(data: Buffer, binary: boolean): void {
    if (this.ended) return;
    this.binary = binary;
    if (this.queuedLength > MAX_PENDING_BYTES && !this.overflowed) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    this.queue.push(data);
    this.queuedLength += data.length;
    this.flush();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
  }

  /** After end(): resolves when the client has polled away what was queued (the Close). */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Answers or parks a GET poll. A new poll while one waits (the client or a proxy gave up on
   * it) takes over: the old one is completed with 204, as the transport spec says.
   */
  poll(response: ServerResponse): void {
    if (this.pendingPoll) this.complete(204);
    if (this.firstPoll && !this.ended) {
      // The client's first poll only confirms the transport works: answer it at once.
      this.firstPoll = false;
      respond(response, 200, EMPTY, false);
      return;
    }
    this.firstPoll = false;
    const timer = setTimeout(() => this.complete(200), POLL_TIMEOUT_MS);
    timer.unref();
    this.pendingPoll = { response, timer };
    response.on('close', () => {
      if (this.pendingPoll?.response === response) {
        clearTimeout(timer);
        this.pendingPoll = undefined;
      }
    });
    this.flush();
  }

  private flush(): void {
    if (!this.pendingPoll) return;
    if (this.queue.length > 0) {
      const body = Buffer.concat(this.queue);
      this.queue.length = 0;
      this.queuedLength = 0;
      const sent = this.complete(200, body);
      const waiters = this.drainWaiters.splice(0);
      const release = () => waiters.forEach((resolve) => resolve());
      if (sent && !sent.writableFinished) sent.once('close', release);
      else release();
    } else if (this.ended) {
      this.complete(204);
    }
  }

  private complete(status: number, body = EMPTY): ServerResponse | undefined {
    const poll = this.pendingPoll;
    if (!poll) return undefined;
    this.pendingPoll = undefined;
    clearTimeout(poll.timer);
    respond(poll.response, status, body, this.binary);
    return poll.response;
  }
}

const EMPTY = Buffer.alloc(0);

function respond(response: ServerResponse, status: number, body: Buffer, binary: boolean): void {
  if (response.writableEnded || response.destroyed) return;
  response.writeHead(status, {
    'Content-Type': binary ? 'application/octet-stream' : 'text/plain; charset=utf-8',
    'Content-Length': status === 204 ? 0 : body.length,
    'Cache-Control': 'no-cache',
  });
  response.end(status === 204 ? undefined : body);
}
