/**
 * One FIFO of upstream work per connection: a connection's events reach the upstream in the
 * order they happened (connected, then its messages, then disconnected), one at a time, while
 * other connections' queues run independently, so one slow connection stalls only itself.
 * Queues are bounded; work that must not be lost (connection events) bypasses the bound.
 */

export type Job = () => Promise<void>;

export interface QueueLimits {
  /** Droppable jobs waiting for one connection. */
  perConnection: number;
  /** Droppable jobs waiting across all connections. */
  total: number;
}

interface Queue {
  jobs: { run: Job; droppable: boolean }[];
  droppable: number;
  running: boolean;
}

export class ConnectionQueues {
  private readonly queues = new Map<string, Queue>();
  private droppableWaiting = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly limits: QueueLimits) {}

  /**
   * Queues `run` behind the connection's earlier work. A droppable job past a limit is refused
   * (returns false) and the caller reports it; jobs must not throw.
   */
  enqueue(connectionId: string, run: Job, droppable: boolean): boolean {
    let queue = this.queues.get(connectionId);
    if (droppable) {
      if (
        (queue?.droppable ?? 0) >= this.limits.perConnection ||
        this.droppableWaiting >= this.limits.total
      ) {
        return false;
      }
    }
    if (!queue) {
      queue = { jobs: [], droppable: 0, running: false };
      this.queues.set(connectionId, queue);
    }
    if (droppable) {
      queue.droppable++;
      this.droppableWaiting++;
    }
    queue.jobs.push({ run, droppable });
    if (!queue.running) void this.drain(connectionId, queue);
    return true;
  }

  /** Jobs waiting or running, over all connections. */
  get size(): number {
    let size = 0;
    for (const queue of this.queues.values()) size += queue.jobs.length + (queue.running ? 1 : 0);
    return size;
  }

  /** Resolves when every queue has run empty. */
  idle(): Promise<void> {
    if (this.queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(connectionId: string, queue: Queue): Promise<void> {
    queue.running = true;
    for (let job = queue.jobs.shift(); job; job = queue.jobs.shift()) {
      if (job.droppable) {
        queue.droppable--;
        this.droppableWaiting--;
      }
      try {
        await job.run();
      } catch {
        // Jobs report their own failures; a bug in one must not stop the queue.
      }
    }
    queue.running = false;
    this.queues.delete(connectionId);
    if (this.queues.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
