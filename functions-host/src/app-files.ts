import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findFiles, staticPrefix } from './glob.js';
import type { AppConfig } from './app-config.js';

/** The app's function files, as `main` names them. */
export function mainFiles(config: AppConfig): string[] {
  return findFiles(config.appDir, config.main);
}

/**
 * The folder the built code lives in: the first folder of `main` ("dist" for "dist/src/functions/*.js"),
 * or the app folder itself when `main` names a file at its top.
 */
export function outputRoot(config: AppConfig): string {
  const first =
    staticPrefix(config.main.replace(/\\/g, '/').replace(/^\.\//, '')).split('/')[0] ?? '';
  return path.join(config.appDir, first);
}

function newestMtime(dir: string, skip: (fullPath: string, name: string) => boolean): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (skip(full, entry.name)) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, skip));
    else if (entry.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** True when the app has a build script and its `main` files are missing or older than its sources. */
export function needsBuild(config: AppConfig): boolean {
  if (!config.scripts.build) return false;
  const files = mainFiles(config);
  let oldestOutput = Infinity;
  for (const file of files) {
    try {
      oldestOutput = Math.min(oldestOutput, statSync(file).mtimeMs);
    } catch {
      return true;
    }
  }
  if (files.length === 0) return true;
  const output = outputRoot(config);
  const newestSource = newestMtime(
    config.appDir,
    (full, name) => name === 'node_modules' || name.startsWith('.') || full === output,
  );
  return newestSource > oldestOutput;
}
