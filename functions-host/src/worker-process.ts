import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  HostToWorker,
  InvocationRequest,
  RegisteredFunction,
  WorkerToHost,
} from './protocol.js';

/** Receives one invocation's response as the worker produces it. */
export interface ResponseSink {
  start(status: number, headers: [string, string][], cookies: string[]): void;
  chunk(data: Uint8Array): void;
  end(): void;
  fail(message: string): void;
}

export interface WorkerOptions {
  appDir: string;
  files: string[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

// The worker is TypeScript in this repository; it runs through tsx unless a compiled copy sits beside it.
function workerEntry(): { file: string; execArgv: string[] } {
  const compiled = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(compiled)) return { file: compiled, execArgv: ['--enable-source-maps'] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return {
    file: fileURLToPath(new URL('./worker.ts', import.meta.url)),
    execArgv: ['--import', tsx, '--enable-source-maps'],
  };
}

/** One worker child process running the app's modules: loads them, then serves invocations. */
export class WorkerProcess {
  readonly ready: Promise<RegisteredFunction[]>;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly inFlight = new Map<string, ResponseSink>();
  private idleWaiters: (() => void)[] = [];
  private hasExited = false;
  private stopping = false;
  onUnexpectedExit: (reason: string) => void = () => {};

  constructor(private readonly options: WorkerOptions) {
    const entry = workerEntry();
    this.child = fork(
      entry.file,
      [JSON.stringify({ appDir: options.appDir, files: options.files })],
      {
        cwd: options.appDir,
        env: options.env,
        execArgv: entry.execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => options.log(line));
    }

    let settleReady!: { resolve(fns: RegisteredFunction[]): void; reject(error: Error): void };
    this.ready = new Promise((resolve, reject) => (settleReady = { resolve, reject }));
    // A failed load is reported through `ready`; nobody else needs to see the rejection.
    this.ready.catch(() => {});

    this.child.on('message', (message: WorkerToHost) => {
      switch (message.type) {
        case 'ready':
          settleReady.resolve(message.functions);
          break;
        case 'load-failed':
          settleReady.reject(new Error(message.message));
          void this.stop();
          break;
        case 'log':
          options.log(message.line);
          break;
        case 'response-start':
          this.inFlight.get(message.id)?.start(message.status, message.headers, message.cookies);
          break;
        case 'response-chunk':
          this.inFlight.get(message.id)?.chunk(message.chunk);
          break;
        case 'response-end':
          this.finish(message.id)?.end();
          break;
        case 'invocation-failed':
          this.finish(message.id)?.fail(message.message);
          break;
      }
    });

    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.hasExited = true;
        const reason = signal ? `signal ${signal}` : `exit code ${code}`;
        settleReady.reject(new Error(`the worker exited (${reason}) before loading the app`));
        for (const id of [...this.inFlight.keys()]) {
          this.finish(id)?.fail(`the worker process exited (${reason}) during the invocation`);
        }
        if (!this.stopping) this.onUnexpectedExit(reason);
        resolve();
      });
    });
    this.child.on('error', (error) => options.log(`worker process error: ${error.message}`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.hasExited && !this.stopping;
  }

  invoke(functionName: string, request: InvocationRequest, sink: ResponseSink): void {
    if (this.hasExited) {
      sink.fail('the worker process is not running');
      return;
    }
    const id = randomUUID();
    this.inFlight.set(id, sink);
    this.post({ type: 'invoke', id, functionName, request });
  }

  /** Lets running invocations finish (up to `graceMs`), then stops the process. */
  async drainAndStop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    await this.stop();
  }

  /** Asks the worker to exit (running its appTerminate hooks); kills it if it does not within 3 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.hasExited) return;
    this.post({ type: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }

  private post(message: HostToWorker): void {
    if (!this.child.connected) return;
    this.child.send(message, (error) => {
      if (error && message.type === 'invoke') this.finish(message.id)?.fail(error.message);
    });
  }

  private finish(id: string): ResponseSink | undefined {
    const sink = this.inFlight.get(id);
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
    return sink;
  }
}
