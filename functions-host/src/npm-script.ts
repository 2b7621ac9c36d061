import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `npm run <script>` in the app folder, its output forwarded line by line to `log`. */
export function startNpmScript(
  appDir: string,
  script: string,
  log: (line: string) => void,
): ChildProcess {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: appDir,
    // Its own process group, so stopping it also stops what npm started (tsc --watch).
    detached: process.platform !== 'win32',
    shell: process.platform === 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim() !== '') log(`[${script}] ${line}`);
    });
  }
  return child;
}

/** Runs `npm run <script>` to completion; rejects when it fails. */
export function runNpmScript(
  appDir: string,
  script: string,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = startNpmScript(appDir, script, log);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `npm run ${script} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`,
          ),
        );
    });
  });
}

/** Stops a script started with startNpmScript, together with its process group. */
export async function stopNpmScript(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    if (process.platform === 'win32') child.kill();
    else process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}
