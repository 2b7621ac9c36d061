import WebSocket, { type RawData } from 'ws';
import { distribution, type Distribution } from './stats.js';
import {
  HANDSHAKE_REQUEST,
  MESSAGEPACK_HANDSHAKE_REQUEST,
  MESSAGEPACK_PING,
  PING_MESSAGE,
  nowMs,
  parseMessagePack,
  parseRecord,
  protocolOf,
  splitHandshake,
  splitMessagePack,
  splitRecords,
  type BenchPayload,
  type ClientProtocol,
} from './protocol.js';
import type { Target } from './target.js';

// Raw `ws` clients that do what @microsoft/signalr does on the wire (negotiate, WebSocket,
// JSON or MessagePack handshake, pings) and nothing else: with thousands of them the official
// client would measure itself rather than the server. The same pool is used against both servers.

export type BroadcastListener = (
  payload: BenchPayload,
  receivedAt: number,
  protocol: ClientProtocol,
) => void;

export interface ConnectReport {
  requested: number;
  connected: number;
  failed: number;
  /** Wall time to connect every client, `concurrency` at a time. */
  totalMs: number;
  concurrency: number;
  /** Per client: negotiate + WebSocket upgrade + handshake answered. */
  perClientMs: Distribution;
  firstErrors: string[];
}

/** What one group of clients reports after connecting (raw, so that groups can be merged). */
export interface ConnectBatch {
  durations: number[];
  errors: string[];
}

/** The clients of one server, wherever they run (this thread or worker threads). */
export interface Clients {
  connect(count: number, concurrency: number, timeoutMs: number): Promise<ConnectReport>;
  onBroadcast(listener: BroadcastListener): void;
  openCount(): Promise<number>;
  /** Connections the server closed (Close message or socket close) while the bench held them. */
  serverCloses(): Promise<number>;
  close(): Promise<void>;
}

export function connectReport(
  requested: number,
  concurrency: number,
  totalMs: number,
  batches: ConnectBatch[],
): ConnectReport {
  const durations = batches.flatMap((batch) => batch.durations);
  return {
    requested,
    connected: durations.length,
    failed: requested - durations.length,
    totalMs,
    concurrency,
    perClientMs: distribution(durations),
    firstErrors: batches.flatMap((batch) => batch.errors).slice(0, MAX_ERRORS_KEPT),
  };
}

const KEEP_ALIVE_MS = 10_000;
const MAX_ERRORS_KEPT = 5;

export class ClientPool implements Clients {
  private readonly sockets: WebSocket[] = [];
  /** The MessagePack clients among `sockets` (they ping in MessagePack). */
  private readonly messagePack = new WeakSet<WebSocket>();
  private listener: BroadcastListener = () => undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private closedByServer = 0;
  private closing = false;

  /** `messagePackShare`: the fraction of clients (by index, evenly spread) that speak MessagePack. */
  constructor(
    private readonly target: Target,
    private readonly messagePackShare = 0,
  ) {}

  onBroadcast(listener: BroadcastListener): void {
    this.listener = listener;
  }

  async openCount(): Promise<number> {
    return this.sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  async serverCloses(): Promise<number> {
    return this.closedByServer;
  }

  async connect(count: number, concurrency: number, timeoutMs: number): Promise<ConnectReport> {
    const started = nowMs();
    const batch = await this.connectBatch(count, 0, concurrency, timeoutMs);
    return connectReport(count, concurrency, nowMs() - started, [batch]);
  }

  /** Connects clients `firstIndex` .. `firstIndex + count - 1`, `concurrency` at a time. */
  async connectBatch(
    count: number,
    firstIndex: number,
    concurrency: number,
    timeoutMs: number,
  ): Promise<ConnectBatch> {
    const durations: number[] = [];
    const errors: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const index = firstIndex + next++;
        const clientStarted = nowMs();
        try {
          this.sockets.push(await this.connectOne(index, timeoutMs));
          durations.push(nowMs() - clientStarted);
        } catch (error) {
          if (errors.length < MAX_ERRORS_KEPT) errors.push(String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    this.startKeepAlive();
    return { durations, errors };
  }

  async close(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.keepAlive);
    this.closing = true;
    const closing = this.sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
        }),
    );
    const timer = setTimeout(() => this.sockets.forEach((ws) => ws.terminate()), timeoutMs);
    await Promise.all(closing);
    clearTimeout(timer);
    this.sockets.length = 0;
  }

  private startKeepAlive(): void {
    if (this.keepAlive) return;
    // The service drops clients silent for 30 s; the official client pings every 15 s.
    this.keepAlive = setInterval(() => {
      for (const ws of this.sockets) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        ws.send(this.messagePack.has(ws) ? MESSAGEPACK_PING : PING_MESSAGE);
      }
    }, KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  private async connectOne(index: number, timeoutMs: number): Promise<WebSocket> {
    const accessToken = this.target.clientToken(`bench-user-${index}`);
    const response = await fetch(this.target.negotiateUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`negotiate ${response.status}: ${text.slice(0, 200)}`);
    const { connectionToken } = JSON.parse(text) as { connectionToken?: unknown };
    if (typeof connectionToken !== 'string') throw new Error('negotiate: no connectionToken');

    const ws = new WebSocket(this.target.webSocketUrl(connectionToken, accessToken));
    const protocol = protocolOf(index, this.messagePackShare);
    if (protocol === 'messagepack') this.messagePack.add(ws);
    await this.handshake(ws, protocol, timeoutMs);
    ws.on('message', (data) => this.receive(data, protocol));
    ws.on('close', () => {
      if (!this.closing) this.closedByServer++;
    });
    return ws;
  }

  private handshake(ws: WebSocket, protocol: ClientProtocol, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (reason: string): void => {
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new Error(reason));
      };
      const timer = setTimeout(() => fail(`handshake: no answer in ${timeoutMs} ms`), timeoutMs);
      ws.once('open', () =>
        ws.send(protocol === 'json' ? HANDSHAKE_REQUEST : MESSAGEPACK_HANDSHAKE_REQUEST),
      );
      ws.once('error', (error) => fail(`websocket: ${error.message}`));
      ws.once('close', (code, reason) => fail(`websocket closed ${code} ${reason.toString()}`));
      ws.once('message', (data) => {
        // The answer is JSON text whatever the protocol; what follows is in the protocol.
        const { answer, rest } = splitHandshake(rawBytes(data));
        const parsed = JSON.parse(answer || 'null') as { error?: unknown } | null;
        if (parsed === null || parsed.error !== undefined) {
          fail(`handshake refused: ${answer || '(empty)'}`);
          return;
        }
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        if (rest.length > 0) this.dispatch(rest, protocol, nowMs());
        resolve();
      });
    });
  }

  private receive(data: RawData, protocol: ClientProtocol): void {
    // Stamp before parsing, so that client-side parsing cost is not counted as latency.
    const receivedAt = nowMs();
    this.dispatch(rawBytes(data), protocol, receivedAt);
  }

  private dispatch(data: Buffer, protocol: ClientProtocol, receivedAt: number): void {
    const messages =
      protocol === 'json'
        ? splitRecords(data.toString('utf8')).map(parseRecord)
        : splitMessagePack(data).map(parseMessagePack);
    for (const message of messages) {
      if (message.kind === 'broadcast') this.listener(message.payload, receivedAt, protocol);
    }
  }
}

function rawBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
