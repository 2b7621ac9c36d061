import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_ACCESS_KEY,
  startEmulator,
  type RunningEmulator,
  type UpstreamTemplate,
} from 'signalr-emulator';

/**
 * A real SignalR Service (the project's emulator) and a stand-in for the API's negotiate
 * endpoint, so the app's connection module runs the official client against real servers.
 * Node only (the connection module's tests use the node environment).
 */
const HUB = 'chat';

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** HS256 as the service expects: the key is the AccessKey's UTF-8 bytes. */
export function signToken(claims: Record<string, unknown>, key = DEFAULT_ACCESS_KEY): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now, nbf: now, exp: now + 3600, ...claims }));
  const signature = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export class SignalRStack {
  /** Set to make negotiate answer 401, as the API does once the session is gone. */
  denyNegotiate = false;
  negotiations = 0;
  private emulator: RunningEmulator | undefined;
  private emulatorPort = 0;
  private negotiateServer: Server | undefined;
  private negotiatePort = 0;

  /** `upstream`: where the emulator sends client invocations and connection events. */
  constructor(private readonly options: { upstream?: UpstreamTemplate[] } = {}) {}

  /** The URL to hand to the connection module (it appends /negotiate). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.negotiatePort}/api`;
  }

  private get serviceOrigin(): string {
    return `http://127.0.0.1:${this.emulatorPort}`;
  }

  async start(): Promise<void> {
    await this.startEmulator();
    this.negotiateServer = createServer((request, response) => {
      if (request.method !== 'POST' || !request.url?.startsWith('/api/negotiate')) {
        response.writeHead(404).end();
        return;
      }
      this.negotiations += 1;
      if (this.denyNegotiate) {
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'Sign in.' } }));
        return;
      }
      const url = `${this.serviceOrigin}/client/?hub=${HUB}`;
      const accessToken = signToken({ aud: url, 'asrs.s.uid': 'alice-id' });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ url, accessToken }));
    });
    await new Promise<void>((resolve) => this.negotiateServer!.listen(0, '127.0.0.1', resolve));
    this.negotiatePort = (this.negotiateServer.address() as AddressInfo).port;
  }

  /** Starts the emulator, on the port it had before when restarting. */
  async startEmulator(): Promise<void> {
    this.emulator = await startEmulator({
      port: this.emulatorPort,
      host: '127.0.0.1',
      ...(this.options.upstream ? { upstream: this.options.upstream } : {}),
    });
    this.emulatorPort = this.emulator.port;
  }

  /** Stops the emulator; clients get a Close that allows reconnecting. */
  async stopEmulator(): Promise<void> {
    await this.emulator?.close();
    this.emulator = undefined;
  }

  /** Broadcasts one event through the data-plane REST API, as the API does. */
  async broadcast(target: string, ...args: unknown[]): Promise<void> {
    const url = `${this.serviceOrigin}/api/hubs/${HUB}/:send`;
    const response = await fetch(`${url}?api-version=2022-06-01`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${signToken({ aud: url })}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ target, arguments: args }),
    });
    if (response.status !== 202) throw new Error(`broadcast answered ${response.status}`);
  }

  async stop(): Promise<void> {
    await this.stopEmulator();
    await new Promise<void>((resolve) => {
      if (!this.negotiateServer) resolve();
      else this.negotiateServer.close(() => resolve());
    });
  }
}
