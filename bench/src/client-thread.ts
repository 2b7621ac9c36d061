// A worker thread holding part of the bench clients (see threaded-clients.ts). Deliveries are
// batched per event-loop turn: one postMessage per receipt would cost more than the receipt.
import { parentPort, workerData } from 'node:worker_threads';
import { ClientPool } from './client-pool.js';
import {
  RECEIPT_FIELDS,
  type ClientThreadData,
  type ThreadReply,
  type ThreadRequest,
} from './client-thread-messages.js';
import { describeTarget } from './target.js';

if (!parentPort) throw new Error('client-thread.ts runs as a worker thread only');
const port = parentPort;
const { port: serverPort, messagePackShare } = workerData as ClientThreadData;
const pool = new ClientPool(describeTarget(serverPort), messagePackShare);
const reply = (message: ThreadReply, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

let pending: number[] = [];
pool.onBroadcast((payload, receivedAt, protocol) => {
  if (pending.length === 0) setImmediate(flush);
  pending.push(payload.run, payload.seq, payload.sentAt, receivedAt, protocol === 'json' ? 0 : 1);
});

function flush(): void {
  const receipts = Float64Array.from(pending);
  pending = [];
  if (receipts.length >= RECEIPT_FIELDS) reply({ type: 'receipts', receipts }, [receipts.buffer]);
}

port.on('message', (request: ThreadRequest) => {
  void handle(request);
});

async function handle(request: ThreadRequest): Promise<void> {
  switch (request.type) {
    case 'connect': {
      const { count, firstIndex, concurrency, timeoutMs } = request;
      const batch = await pool.connectBatch(count, firstIndex, concurrency, timeoutMs);
      reply({ type: 'connected', id: request.id, batch });
      return;
    }
    case 'status':
      reply({
        type: 'status',
        id: request.id,
        open: await pool.openCount(),
        serverCloses: await pool.serverCloses(),
      });
      return;
    case 'close':
      await pool.close();
      reply({ type: 'closed', id: request.id });
      port.close();
      return;
  }
}
