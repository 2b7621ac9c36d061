import { Worker } from 'node:worker_threads';
import {
  connectReport,
  type BroadcastListener,
  type Clients,
  type ConnectReport,
} from './client-pool.js';
import {
  RECEIPT_FIELDS,
  type ClientThreadData,
  type ThreadReply,
  type ThreadRequest,
} from './client-thread-messages.js';
import { nowMs } from './protocol.js';

const THREAD_SCRIPT = new URL('./client-thread.ts', import.meta.url);
const REPLY_TIMEOUT_MS = 60_000;

type Reply<T extends ThreadReply['type']> = Extract<ThreadReply, { type: T }>;
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

/** One worker thread's share of the clients, driven by request/reply messages. */
class ClientThread {
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: ThreadReply | Error) => void>();
  private readonly worker: Worker;

  constructor(
    port: number,
    messagePackShare: number,
    onReceipts: (receipts: Float64Array) => void,
  ) {
    const data: ClientThreadData = { port, messagePackShare };
    // Module hooks are per thread and Node 20 ignores `--import` for workers: a small script
    // registers tsx in the worker and then loads the TypeScript module.
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_SCRIPT.href)}); })`;
    this.worker = new Worker(boot, { eval: true, workerData: data });
    this.worker.on('message', (reply: ThreadReply) => {
      if (reply.type === 'receipts') onReceipts(reply.receipts);
      else this.waiting.get(reply.id)?.(reply);
    });
    this.worker.on('error', (error) => {
      for (const settle of this.waiting.values()) settle(error);
    });
  }

  request<T extends ThreadReply['type']>(
    request: WithoutId<ThreadRequest>,
    expect: T,
  ): Promise<Reply<T>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`client thread: no ${expect} reply in ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (reply instanceof Error) reject(reply);
        else if (reply.type === expect) resolve(reply as Reply<T>);
        else reject(new Error(`client thread: expected ${expect}, got ${reply.type}`));
      });
      this.worker.postMessage({ ...request, id });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The same clients as ClientPool, spread over worker threads: for machines where one thread of
 * clients cannot keep up with the server (see the CPU row of the table).
 */
export class ThreadedClients implements Clients {
  private readonly threads: ClientThread[];
  private listener: BroadcastListener = () => undefined;

  constructor(port: number, threadCount: number, messagePackShare = 0) {
    this.threads = Array.from(
      { length: threadCount },
      () => new ClientThread(port, messagePackShare, (receipts) => this.replay(receipts)),
    );
  }

  onBroadcast(listener: BroadcastListener): void {
    this.listener = listener;
  }

  async connect(count: number, concurrency: number, timeoutMs: number): Promise<ConnectReport> {
    const started = nowMs();
    const shares = this.split(count);
    let firstIndex = 0;
    const batches = await Promise.all(
      this.threads.map((thread, i) => {
        const share = shares[i]!;
        const request = {
          type: 'connect' as const,
          count: share,
          firstIndex,
          concurrency: Math.max(1, Math.round(concurrency / this.threads.length)),
          timeoutMs,
        };
        firstIndex += share;
        return thread.request(request, 'connected');
      }),
    );
    return connectReport(
      count,
      concurrency,
      nowMs() - started,
      batches.map((reply) => reply.batch),
    );
  }

  async openCount(): Promise<number> {
    const statuses = await this.statuses();
    return statuses.reduce((sum, status) => sum + status.open, 0);
  }

  async serverCloses(): Promise<number> {
    const statuses = await this.statuses();
    return statuses.reduce((sum, status) => sum + status.serverCloses, 0);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.threads.map(async (thread) => {
        await thread.request({ type: 'close' }, 'closed').catch(() => undefined);
        await thread.terminate();
      }),
    );
  }

  private statuses(): Promise<Array<Reply<'status'>>> {
    return Promise.all(this.threads.map((thread) => thread.request({ type: 'status' }, 'status')));
  }

  private split(count: number): number[] {
    const base = Math.floor(count / this.threads.length);
    return this.threads.map((_, i) => base + (i < count % this.threads.length ? 1 : 0));
  }

  private replay(receipts: Float64Array): void {
    for (let i = 0; i + RECEIPT_FIELDS <= receipts.length; i += RECEIPT_FIELDS) {
      const payload = {
        run: receipts[i]!,
        seq: receipts[i + 1]!,
        sentAt: receipts[i + 2]!,
        pad: '',
      };
      this.listener(payload, receipts[i + 3]!, receipts[i + 4] === 1 ? 'messagepack' : 'json');
    }
  }
}
