// `npm run api -- [--port 7071] [--host 127.0.0.1] [--app-dir api] [--no-watch]`: serves the repo's
// `api/` folder like `func start`, building it first when needed and reloading it on changes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PortInUseError, startFunctionsHost } from './index.js';

const defaultAppDir = fileURLToPath(new URL('../../api', import.meta.url));

function usage(message: string): never {
  process.stderr.write(
    `${message}\nUsage: npm run api -- [--port 7071] [--host 127.0.0.1] [--app-dir <folder>] [--no-watch] [--no-build]\n`,
  );
  process.exit(2);
}

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'app-dir': { type: 'string' },
        'no-watch': { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    let port: number | undefined;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        usage(`--port must be 0-65535, got "${values.port}"`);
    }
    return {
      port,
      host: values.host,
      appDir: values['app-dir'] ? path.resolve(values['app-dir']) : defaultAppDir,
      watch: !values['no-watch'],
      build: !values['no-build'],
    };
  } catch (error) {
    usage((error as Error).message);
  }
}

const args = parse();
try {
  const host = await startFunctionsHost({
    appDir: args.appDir,
    watch: args.watch,
    build: args.build,
    ...(args.port === undefined ? {} : { port: args.port }),
    ...(args.host === undefined ? {} : { host: args.host }),
  });
  const lines = [`Functions host listening on ${host.url}`, '', 'Functions:'];
  const routes = await fetch(`${host.url}/admin/functions`)
    .then(
      (res) =>
        res.json() as Promise<
          {
            name: string;
            invoke_url_template: string | null;
            config: { bindings: { type: string; methods?: string[] }[] };
          }[]
        >,
    )
    .catch(() => []);
  for (const fn of routes) {
    const trigger = fn.config.bindings.find((binding) => binding.type === 'httpTrigger');
    lines.push(
      trigger && fn.invoke_url_template
        ? `  ${fn.name}: [${(trigger.methods ?? []).join(',')}] ${fn.invoke_url_template}`
        : `  ${fn.name}: ${fn.config.bindings[0]?.type ?? 'unknown'} (not run by this host)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    process.stderr.write(`${signal}: stopping the Functions host\n`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  process.stderr.write(
    `${error instanceof PortInUseError ? error.message : `Failed to start: ${(error as Error).message}`}\n`,
  );
  process.exit(1);
}
