import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { AppConfig } from './app-config.js';
import { outputRoot } from './app-files.js';
import { runNpmScript, startNpmScript, stopNpmScript } from './npm-script.js';

const DEBOUNCE_MS = 200;

function skipped(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/** A digest of the loadable code, so a rewrite with the same content (tsc --watch at start) is no reload. */
function fingerprint(dir: string): string {
  const hash = createHash('sha1');
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (skipped(entry.name)) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        hash.update(full);
        try {
          hash.update(readFileSync(full));
        } catch {
          // deleted between listing and reading: the next event brings it up to date
        }
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

function isSkippedPath(relative: string | null): boolean {
  return relative !== null && relative.split(/[\\/]/).some(skipped);
}

function debounce(action: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, DEBOUNCE_MS);
  };
}

export interface AppWatcher {
  close(): Promise<void>;
}

/**
 * Watches an app for changes. With a `watch` npm script (tsc --watch) that script keeps the output
 * current; otherwise, with a `build` script, a source change runs the build. Either way a change in
 * the output folder (for plain JavaScript apps: the code itself) calls `onCodeChange`.
 */
export function watchApp(
  config: AppConfig,
  onCodeChange: () => void,
  log: (line: string) => void,
): AppWatcher {
  const watchers: FSWatcher[] = [];
  let script: ChildProcess | undefined;
  const output = outputRoot(config);
  const outputDir = existsSync(output) ? output : config.appDir;
  let last = fingerprint(outputDir);

  const codeChanged = debounce(() => {
    const next = fingerprint(outputDir);
    if (next === last) return;
    last = next;
    onCodeChange();
  });
  const startWatcher = (dir: string, onEvent: (relative: string | null) => void): void => {
    try {
      const watcher = watch(dir, { recursive: true }, (_event, filename) => onEvent(filename));
      watcher.on('error', (error) => log(`File watching stopped for ${dir}: ${error.message}`));
      watchers.push(watcher);
    } catch (error) {
      log(`Cannot watch ${dir}: ${(error as Error).message}`);
    }
  };
  startWatcher(outputDir, (relative) => {
    if (!isSkippedPath(relative)) codeChanged();
  });

  if (config.scripts.watch) {
    script = startNpmScript(config.appDir, 'watch', log);
  } else if (config.scripts.build && output !== config.appDir) {
    let building: Promise<void> | undefined;
    let again = false;
    const build = debounce(() => {
      if (building) {
        again = true;
        return;
      }
      building = (async () => {
        do {
          again = false;
          await runNpmScript(config.appDir, 'build', log).catch((error: Error) =>
            log(error.message),
          );
        } while (again);
        building = undefined;
      })();
    });
    startWatcher(config.appDir, (relative) => {
      if (relative === null || isSkippedPath(relative)) return;
      if (path.join(config.appDir, relative).startsWith(output + path.sep)) return;
      build();
    });
  }

  return {
    async close() {
      for (const watcher of watchers) watcher.close();
      if (script) await stopNpmScript(script);
    },
  };
}
