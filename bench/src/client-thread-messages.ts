// The message vocabulary between the bench's main thread and its client worker threads.
import type { ConnectBatch } from './client-pool.js';

export interface ClientThreadData {
  port: number;
  messagePackShare: number;
}

export type ThreadRequest =
  | {
      type: 'connect';
      id: number;
      count: number;
      firstIndex: number;
      concurrency: number;
      timeoutMs: number;
    }
  | { type: 'status'; id: number }
  | { type: 'close'; id: number };

export type ThreadReply =
  | { type: 'connected'; id: number; batch: ConnectBatch }
  | { type: 'status'; id: number; open: number; serverCloses: number }
  | { type: 'closed'; id: number }
  /**
   * Deliveries since the last batch, five numbers each: run, seq, sentAt, receivedAt, and 1 for
   * a MessagePack client (0 for JSON).
   */
  | { type: 'receipts'; receipts: Float64Array };

export const RECEIPT_FIELDS = 5;
