// The worker child process: the stand-in for the Functions Node worker. It supplies
// `@azure/functions-core` so the app's own `@azure/functions` registers its functions here, loads the
// app's main files, and runs invocations the host sends over IPC. It is a separate process because
// ESM modules cannot be unloaded: reloading the app means starting a new worker.
import { randomUUID } from 'node:crypto';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type * as AzureFunctions from '@azure/functions';
import { serializeCookie } from './cookies.js';
import type {
  HostToWorker,
  InvocationRequest,
  RegisteredFunction,
  WorkerToHost,
} from './protocol.js';

interface WorkerArguments {
  appDir: string;
  files: string[];
}

type FunctionCallback = (...args: unknown[]) => unknown;
type HookCallback = (context: unknown) => unknown;

interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, { type: string; [key: string]: unknown }>;
}

function send(message: WorkerToHost): void {
  process.send?.(message);
}

const { appDir, files } = JSON.parse(process.argv[2] ?? '{}') as WorkerArguments;
const handlers = new Map<string, FunctionCallback>();
const registered: RegisteredFunction[] = [];
const hooks = new Map<string, Set<HookCallback>>();
const appHookData: Record<string, unknown> = {};

class Disposable {
  constructor(private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

// The subset of the worker's core API that `@azure/functions` 4.x calls.
const coreApi = {
  version: '3.10.1',
  hostVersion: '4.0.0-local',
  Disposable,
  setProgrammingModel(_model: unknown): void {
    // The programming model converts RPC data; this host builds HttpRequest/InvocationContext itself.
  },
  getProgrammingModel(): undefined {
    return undefined;
  },
  registerFunction(metadata: CoreFunctionMetadata, callback: FunctionCallback): Disposable {
    if (handlers.has(metadata.name)) {
      throw new Error(`A function named "${metadata.name}" is already registered.`);
    }
    handlers.set(metadata.name, callback);
    const entry: RegisteredFunction = {
      name: metadata.name,
      bindings: Object.entries(metadata.bindings).map(([name, binding]) => ({ ...binding, name })),
    };
    registered.push(entry);
    return new Disposable(() => {
      handlers.delete(metadata.name);
      registered.splice(registered.indexOf(entry), 1);
    });
  },
  registerHook(hookName: string, callback: HookCallback): Disposable {
    const set = hooks.get(hookName) ?? new Set<HookCallback>();
    hooks.set(hookName, set);
    set.add(callback);
    return new Disposable(() => set.delete(callback));
  },
  log(level: string, category: string, message: string): void {
    if (category === 'system' && (level === 'debug' || level === 'trace')) return;
    send({ type: 'log', line: `[${category} ${level}] ${message}` });
  },
};

// Answer `require('@azure/functions-core')` (and nothing else) the way the real worker does.
type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: ModuleLoad };
const originalLoad = moduleInternals._load;
moduleInternals._load = function load(request, parent, isMain) {
  if (request === '@azure/functions-core') return coreApi;
  return originalLoad.call(this, request, parent, isMain);
};

function loadAppLibrary(): typeof AzureFunctions {
  // Loading it through require() first keeps its lazy require('@azure/functions-core') on the CommonJS
  // path (the hook above) even when an ESM app imports it later: ESM reuses the CommonJS cache.
  const appRequire = createRequire(path.join(appDir, 'package.json'));
  try {
    return appRequire('@azure/functions') as typeof AzureFunctions;
  } catch (error) {
    throw new Error(
      `the app cannot load "@azure/functions" (is it installed?): ${(error as Error).message}`,
    );
  }
}

async function runHooks(name: string, context: Record<string, unknown>): Promise<void> {
  for (const callback of hooks.get(name) ?? []) await callback(context);
}

let library: typeof AzureFunctions;

async function load(): Promise<void> {
  try {
    library = loadAppLibrary();
    if (files.length === 0) throw new Error('package.json "main" matches no files');
    for (const file of files) await import(pathToFileURL(file).href);
    await runHooks('appStart', { hookData: appHookData, functionAppDirectory: appDir });
  } catch (error) {
    send({
      type: 'load-failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return;
  }
  send({ type: 'ready', functions: registered });
}

// Hooks receive mutable objects; the library's hook contexts write their changes back into them.
async function runWithInvocationHooks(
  handler: FunctionCallback,
  request: unknown,
  context: unknown,
): Promise<unknown> {
  const hookData: Record<string, unknown> = {};
  const pre = {
    hookData,
    invocationContext: context,
    inputs: [request],
    functionCallback: handler,
  };
  await runHooks('preInvocation', pre);
  const post: Record<string, unknown> = {
    hookData,
    invocationContext: context,
    inputs: pre.inputs,
  };
  try {
    post.result = await pre.functionCallback(...pre.inputs, context);
  } catch (error) {
    post.error = error;
  }
  await runHooks('postInvocation', post);
  if (post.error !== undefined) throw post.error;
  return post.result;
}

function logHandler(functionName: string) {
  return (level: string, ...args: unknown[]): void => {
    const tag = level === 'information' ? '' : ` ${level}`;
    send({ type: 'log', line: `[${functionName}${tag}] ${format(...args)}` });
  };
}

async function invoke(id: string, functionName: string, init: InvocationRequest): Promise<void> {
  const handler = handlers.get(functionName);
  if (!handler) {
    send({
      type: 'invocation-failed',
      id,
      message: `function "${functionName}" is not registered`,
    });
    return;
  }
  let started = false;
  try {
    const request = new library.HttpRequest({
      method: init.method,
      url: init.url,
      headers: init.headers,
      params: init.params,
      body: init.body.byteLength > 0 ? { bytes: init.body } : undefined,
    } as AzureFunctions.HttpRequestInit);
    const trigger = registered.find((fn) => fn.name === functionName)?.bindings[0];
    const context = new library.InvocationContext({
      functionName,
      invocationId: randomUUID(),
      logHandler: logHandler(functionName),
      ...(trigger ? { options: { trigger: trigger as AzureFunctions.FunctionTrigger } } : {}),
    });
    const result = await runWithInvocationHooks(handler, request, context);

    if (result === undefined || result === null) {
      // The Functions host answers 204 when an HTTP function returns nothing.
      send({ type: 'response-start', id, status: 204, headers: [], cookies: [] });
      started = true;
      send({ type: 'response-end', id });
      return;
    }
    if (typeof result !== 'object') {
      throw new Error(
        'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
      );
    }
    const response =
      result instanceof library.HttpResponse
        ? result
        : new library.HttpResponse(result as AzureFunctions.HttpResponseInit);
    const cookies = response.cookies.map(serializeCookie);
    const headers: [string, string][] = [];
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') headers.push([name, value]);
    }
    cookies.unshift(...response.headers.getSetCookie());
    send({ type: 'response-start', id, status: response.status, headers, cookies });
    started = true;
    if (response.body) {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        send({ type: 'response-chunk', id, chunk });
      }
    }
    send({ type: 'response-end', id });
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    send({
      type: 'invocation-failed',
      id,
      message: started ? `while streaming the body: ${message}` : message,
    });
  }
}

process.on('message', (message: HostToWorker) => {
  if (message.type === 'invoke') {
    void invoke(message.id, message.functionName, message.request);
  } else if (message.type === 'shutdown') {
    void runHooks('appTerminate', { hookData: appHookData })
      .catch((error: unknown) =>
        send({ type: 'log', line: `appTerminate hook failed: ${String(error)}` }),
      )
      .finally(() => process.exit(0));
  }
});

// A stray rejection or exception in app code is logged, as the real worker does, instead of
// taking every other invocation down with it.
process.on('unhandledRejection', (reason) => {
  send({ type: 'log', line: `Unhandled promise rejection in the app: ${format(reason)}` });
});
process.on('uncaughtException', (error) => {
  send({ type: 'log', line: `Uncaught exception in the app: ${error.stack ?? error.message}` });
});
// The host going away must not leave an orphaned worker behind.
process.on('disconnect', () => process.exit(0));
// The host owns the worker's lifetime (a `shutdown` message, or the IPC channel closing). A Ctrl-C
// or a SIGTERM sent to the whole process group must not kill the worker first: the host would
// take that for a crash and start a new worker while it shuts down.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

void load();
