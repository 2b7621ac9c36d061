import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the host needs to know about a Functions app folder, read from its own files. */
export interface AppConfig {
  appDir: string;
  /** `package.json` `main`: a path or a glob relative to appDir. */
  main: string;
  /** `host.json` `extensions.http.routePrefix`, without slashes ("" means no prefix). */
  routePrefix: string;
  /** `local.settings.json` `Values`. */
  localSettings: Record<string, string>;
  /** `local.settings.json` `Host.LocalHttpPort`, when set. */
  localHttpPort: number | undefined;
  scripts: Record<string, string>;
}

export class AppConfigError extends Error {}

function readJson(file: string, required: boolean): unknown {
  if (!existsSync(file)) {
    if (required) throw new AppConfigError(`${file} is missing`);
    return undefined;
  }
  try {
    // host.json and local.settings.json are often written with a BOM by Windows tools.
    return JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readAppConfig(appDir: string): AppConfig {
  const dir = path.resolve(appDir);
  const pkg = readJson(path.join(dir, 'package.json'), true);
  if (!isRecord(pkg) || typeof pkg.main !== 'string' || pkg.main.trim() === '') {
    throw new AppConfigError(
      `${path.join(dir, 'package.json')} needs a "main" naming the function files (a path or glob)`,
    );
  }
  const scripts: Record<string, string> = {};
  if (isRecord(pkg.scripts)) {
    for (const [name, value] of Object.entries(pkg.scripts)) {
      if (typeof value === 'string') scripts[name] = value;
    }
  }

  const host = readJson(path.join(dir, 'host.json'), false);
  let routePrefix = 'api';
  if (isRecord(host) && isRecord(host.extensions) && isRecord(host.extensions.http)) {
    const configured = host.extensions.http.routePrefix;
    if (typeof configured === 'string') routePrefix = configured.replace(/^\/+|\/+$/g, '');
  }

  const local = readJson(path.join(dir, 'local.settings.json'), false);
  const localSettings: Record<string, string> = {};
  let localHttpPort: number | undefined;
  if (isRecord(local)) {
    if (isRecord(local.Values)) {
      for (const [key, value] of Object.entries(local.Values)) {
        if (value !== null && value !== undefined) localSettings[key] = String(value);
      }
    }
    if (isRecord(local.Host) && Number.isInteger(Number(local.Host.LocalHttpPort))) {
      localHttpPort = Number(local.Host.LocalHttpPort);
    }
  }

  return { appDir: dir, main: pkg.main.trim(), routePrefix, localSettings, localHttpPort, scripts };
}

/**
 * The worker's environment: the host's own environment wins over local.settings.json (as with
 * `func start`), and settings passed by the caller win over both.
 */
export function appEnvironment(
  config: AppConfig,
  base: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [key, value] of Object.entries(config.localSettings)) {
    if (env[key] === undefined) env[key] = value;
  }
  return { ...env, ...extra };
}
