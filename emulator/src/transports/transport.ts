import type { OutgoingMessage } from '../protocol/outgoing.js';

export type TransportKind = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

/** What a hub connection needs from its wire: write framed text, and end. */
export interface Transport {
  readonly kind: TransportKind;
  write(message: OutgoingMessage): void;
  /** Flushes what is queued where the wire allows it, then ends the wire. Idempotent. */
  end(): void;
}
