// An official SignalR client in its own process, so a test can kill it (SIGKILL) the way a
// browser tab dies: no close message, no disconnected event from the client itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { API_DIR } from '../integration/stack.js';

const CLIENT_SCRIPT = `
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
const [url, token] = process.argv.slice(-2);
const connection = new HubConnectionBuilder()
  .withUrl(url, { accessTokenFactory: () => token })
  .configureLogging(LogLevel.None)
  .build();
await connection.start();
console.log(connection.connectionId);
setInterval(() => {}, 60_000);
`;

export interface ChildClient {
  connectionId: string;
  process: ChildProcess;
  kill(): void;
}

/** Connects with a negotiated `url` and `accessToken`; resolves once connected. */
export async function startChildClient(url: string, accessToken: string): Promise<ChildClient> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CLIENT_SCRIPT, '--', url, accessToken],
    { cwd: API_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`client process exited (${code})`))),
  );
  const connectionId = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited,
  ]);
  exited.catch(() => undefined);
  return { connectionId, process: child, kill: () => void child.kill('SIGKILL') };
}
