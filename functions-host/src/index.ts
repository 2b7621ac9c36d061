import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appEnvironment, readAppConfig } from './app-config.js';
import { mainFiles, needsBuild } from './app-files.js';
import { AppRunner } from './app-runner.js';
import { createRequestHandler } from './http-front.js';
import { runNpmScript } from './npm-script.js';
import { watchApp, type AppWatcher } from './watcher.js';

export interface FunctionsHostOptions {
  /** The Functions app folder (has package.json, host.json). */
  appDir: string;
  /** Default 7071 (or local.settings.json Host.LocalHttpPort); 0 = a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Extra app settings; they win over local.settings.json and the host's environment. */
  env?: Record<string, string>;
  /** Run the app's build script first when its main files are missing or stale (default false). */
  build?: boolean;
  /** Reload on changes (default false). */
  watch?: boolean;
  /** Default: stderr. */
  log?: (line: string) => void;
}

export interface RunningFunctionsHost {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Names of the functions the app registered (the current worker's, after reloads). */
  functions: string[];
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `Port ${port} on ${host} is already in use; stop what uses it or pass another port (--port).`,
    );
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

const stderrLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Serves a Functions app folder over HTTP on 127.0.0.1, as `func start` does for HTTP triggers. */
export async function startFunctionsHost(
  options: FunctionsHostOptions,
): Promise<RunningFunctionsHost> {
  const log = options.log ?? stderrLog;
  const config = readAppConfig(options.appDir);
  const host = options.host ?? '127.0.0.1';
  const env = appEnvironment(config, process.env, options.env);

  let baseUrl = '';
  const runner = new AppRunner({
    appDir: config.appDir,
    routePrefix: config.routePrefix,
    files: () => mainFiles(config),
    env,
    log,
  });
  const handle = createRequestHandler({
    runner,
    log,
    functionKey: () => env.FUNCTIONS_HOST_KEY || undefined,
    baseUrl: () => baseUrl,
  });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`Request handling failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Internal Server Error' }));
    });
  });

  // Listen first, so that a port in use fails at once, before any build.
  const port = await listen(server, options.port ?? config.localHttpPort ?? 7071, host);
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let watcher: AppWatcher | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await watcher?.close();
      await Promise.all([closeServer(server), runner.close()]);
    })());

  try {
    if (options.build && needsBuild(config)) {
      log(`Building the app (npm run build in ${config.appDir})`);
      await runNpmScript(config.appDir, 'build', log).catch((error: Error) => {
        // While watching, a type error must not stop the dev loop: tsc still emits, and the watch
        // script rebuilds on the next edit.
        if (!options.watch) throw error;
        log(`${error.message}; loading what the build produced and watching for changes`);
      });
    }
    if (options.watch) {
      // While watching, a broken app is logged and the host waits for the fix.
      await runner.start().catch(() => log('Waiting for changes to the app...'));
      watcher = watchApp(config, () => void runner.reload(), log);
    } else {
      await runner.start();
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    port,
    url: baseUrl,
    get functions() {
      return runner.app?.functions.map((fn) => fn.name) ?? [];
    },
    close,
  };
}
