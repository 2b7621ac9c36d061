// The main thread's side of the client threads: starts them, routes each send to the thread
// holding its sender, broadcasts what every thread must know, and gathers their answers.
import { Worker } from 'node:worker_threads';
import type { SoakSend } from './messages.js';
import type {
  AcceptedSend,
  ClientThreadData,
  FaultWindow,
  MainToThread,
  Person,
  SendReport,
  ThreadToMain,
} from './thread-protocol.js';

const THREAD_SCRIPT = new URL('./client-thread.ts', import.meta.url);

type Reply<T extends ThreadToMain['type']> = Extract<ThreadToMain, { type: T }>;

class ClientThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<string, ((reply: ThreadToMain) => void)[]>();
  private failure: Error | undefined;

  constructor(data: ClientThreadData, onSent: (report: SendReport) => void) {
    // Module hooks are per thread and Node 20 ignores `--import` for workers: a small script
    // registers tsx in the worker and then loads the TypeScript module (as bench/ does).
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_SCRIPT.href)}); })`;
    this.worker = new Worker(boot, { eval: true, workerData: data });
    this.worker.on('message', (reply: ThreadToMain) => {
      if (reply.type === 'sent') onSent(reply.report);
      else this.waiting.get(reply.type)?.shift()?.(reply);
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const list of this.waiting.values()) list.splice(0);
    });
  }

  post(message: MainToThread): void {
    this.worker.postMessage(message);
  }

  request<T extends ThreadToMain['type']>(
    message: MainToThread,
    expect: T,
    timeoutMs: number,
  ): Promise<Reply<T>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(expect) ?? [];
      this.waiting.set(expect, list);
      const timer = setTimeout(() => {
        list.splice(list.indexOf(done), 1);
        reject(new Error(`client thread: no ${expect} answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (reply: ThreadToMain): void => {
        clearTimeout(timer);
        resolve(reply as Reply<T>);
      };
      list.push(done);
      this.post(message);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface ClientsOptions {
  apiUrl: string;
  people: Person[];
  threads: number;
  run: string;
  steps: number;
  bypass?: ClientThreadData['bypass'];
  onSent: (report: SendReport) => void;
}

export interface Progress {
  delivered: number;
  connected: number;
  missing: number;
  pendingSends: number;
}

export class SoakClients {
  private readonly threads: ClientThread[];
  private readonly threadOf = new Map<number, ClientThread>();

  constructor(options: ClientsOptions) {
    const count = Math.max(1, Math.min(options.threads, options.people.length));
    const shares: Person[][] = Array.from({ length: count }, () => []);
    options.people.forEach((person, i) => shares[i % count]!.push(person));
    this.threads = shares.map((share) => {
      const thread = new ClientThread(
        {
          apiUrl: options.apiUrl,
          people: share,
          peopleCount: options.people.length,
          run: options.run,
          steps: options.steps,
          ...(options.bypass ? { bypass: options.bypass } : {}),
        },
        options.onSent,
      );
      for (const person of share) this.threadOf.set(person.index, thread);
      return thread;
    });
  }

  async connect(concurrencyPerThread: number): Promise<{ connected: number; failures: string[] }> {
    const replies = await Promise.all(
      this.threads.map((thread) =>
        thread.request(
          { type: 'connect', concurrency: concurrencyPerThread },
          'connected',
          600_000,
        ),
      ),
    );
    return {
      connected: replies.reduce((sum, reply) => sum + reply.connected, 0),
      failures: replies.flatMap((reply) => reply.failures),
    };
  }

  send(send: SoakSend): void {
    this.threadOf.get(send.sender)?.post({ type: 'send', send });
  }

  announceAccepted(batch: AcceptedSend[]): void {
    if (batch.length > 0) this.broadcast({ type: 'accepted', batch });
  }

  fault(fault: FaultWindow): void {
    this.broadcast({ type: 'fault', fault });
  }

  cut(person: number, ms: number): void {
    this.threadOf.get(person)?.post({ type: 'cut', person, ms });
  }

  stopSending(): void {
    this.broadcast({ type: 'stop-sending' });
  }

  async progress(): Promise<Progress> {
    const replies = await Promise.all(
      this.threads.map((thread) => thread.request({ type: 'progress' }, 'progress', 60_000)),
    );
    return {
      delivered: replies.reduce((sum, reply) => sum + reply.delivered, 0),
      connected: replies.reduce((sum, reply) => sum + reply.connected, 0),
      missing: replies.reduce((sum, reply) => sum + reply.missing, 0),
      pendingSends: replies.reduce((sum, reply) => sum + reply.pendingSends, 0),
    };
  }

  verify(auditor: number, firstSentAt: string | undefined): Promise<Reply<'verified'>[]> {
    return Promise.all(
      this.threads.map((thread) =>
        thread.request(
          {
            type: 'verify',
            ...(thread === this.threadOf.get(auditor) ? { auditor } : {}),
            ...(firstSentAt === undefined ? {} : { firstSentAt }),
          },
          'verified',
          1_800_000,
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      this.threads.map(async (thread) => {
        await thread.request({ type: 'close' }, 'closed', 30_000).catch(() => undefined);
        await thread.terminate();
      }),
    );
  }

  private broadcast(message: MainToThread): void {
    for (const thread of this.threads) thread.post(message);
  }
}
