export type TransportKind = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

/** What a hub connection needs from its wire: write framed messages, and end. */
export interface Transport {
  readonly kind: TransportKind;
  /** Framed hub protocol bytes; `binary` for the MessagePack protocol (a binary WebSocket frame). */
  write(data: Buffer, binary: boolean): void;
  /** Flushes what is queued where the wire allows it, then ends the wire. Idempotent. */
  end(): void;
  /** Resolves once, after end(), everything written has left (or can no longer leave). */
  drained(): Promise<void>;
}

/**
 * Bytes a transport may hold for a client that does not read. Past this the client is closed
 * (allowed to reconnect) instead of letting one stalled reader grow the process without bound.
 */
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** Called by a transport whose client fell too far behind. */
export type OverflowHandler = () => void;
