import type { RegisteredFunction } from './protocol.js';
import { RouteTable } from './route-table.js';
import { WorkerProcess } from './worker-process.js';

// An app whose top-level code never settles must not hold the host (and its callers) forever.
const LOAD_TIMEOUT_MS = 60_000;

export interface LoadedApp {
  worker: WorkerProcess;
  functions: RegisteredFunction[];
  routes: RouteTable;
}

export interface AppRunnerOptions {
  appDir: string;
  routePrefix: string;
  /** Resolved at each (re)load, so files added to a glob are picked up. */
  files: () => string[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/**
 * Keeps one loaded worker current. A reload starts a new worker while the old one keeps serving;
 * once the new one has registered its functions it takes over and the old one finishes its running
 * invocations before it stops. So no request is dropped across a reload.
 */
export class AppRunner {
  private current: LoadedApp | undefined;
  private waiters: ((app: LoadedApp | undefined) => void)[] = [];
  private loading: Promise<void> | undefined;
  private reloadAgain = false;
  private closed = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AppRunnerOptions) {}

  get app(): LoadedApp | undefined {
    return this.current;
  }

  /** Loads the app; rejects with the load error when the first load fails. */
  async start(): Promise<void> {
    await this.loadOnce(true);
  }

  /** Loads the app again (coalescing bursts); a failed reload keeps the previous worker serving. */
  reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.reloadAgain = false;
        await this.loadOnce(false).catch(() => {});
      } while (this.reloadAgain && !this.closed);
      this.loading = undefined;
    })();
    return this.loading;
  }

  /** The current app, waiting up to `timeoutMs` while none is loaded (first load, reload after a crash). */
  async waitForApp(timeoutMs: number): Promise<LoadedApp | undefined> {
    if (this.current || this.closed) return this.current;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve(undefined);
      }, timeoutMs);
      const done = (app: LoadedApp | undefined): void => {
        clearTimeout(timer);
        resolve(app);
      };
      this.waiters.push(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const app = this.current;
    this.current = undefined;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    await this.loading?.catch(() => {});
    await app?.worker.drainAndStop(2000);
  }

  private async loadOnce(first: boolean): Promise<void> {
    const started = Date.now();
    const worker = new WorkerProcess({
      appDir: this.options.appDir,
      files: this.options.files(),
      env: this.options.env,
      log: this.options.log,
    });
    let functions: RegisteredFunction[];
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`the app did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s`)),
          LOAD_TIMEOUT_MS,
        );
      });
      functions = await Promise.race([worker.ready, timeout]).finally(() => clearTimeout(timer));
    } catch (error) {
      this.options.log(`Failed to load the function app: ${(error as Error).message}`);
      await worker.stop();
      if (first) throw error;
      return;
    }
    if (this.closed) {
      await worker.stop();
      return;
    }
    const routes = new RouteTable(this.options.routePrefix, functions, (name, reason) =>
      this.options.log(`Function "${name}" is not routed: ${reason}`),
    );
    const previous = this.current;
    this.current = { worker, functions, routes };
    worker.onUnexpectedExit = (reason) => this.onCrash(worker, reason);
    for (const waiter of this.waiters.splice(0)) waiter(this.current);
    this.options.log(
      `${first ? 'Loaded' : 'Reloaded'} ${functions.length} function(s) in ${Date.now() - started} ms (worker pid ${worker.pid})`,
    );
    if (previous) void previous.worker.drainAndStop(30_000);
  }

  private onCrash(worker: WorkerProcess, reason: string): void {
    if (this.closed || this.current?.worker !== worker) return;
    this.options.log(`The worker stopped unexpectedly (${reason}); starting a new one`);
    this.current = undefined;
    // A short pause keeps an app that dies at once from spinning the CPU.
    this.restartTimer = setTimeout(() => void this.reload(), 500);
  }
}
