import type { WebSocket } from 'ws';
import type { HubConnection } from '../connection/hub-connection.js';
import { MAX_PENDING_BYTES, type OverflowHandler, type Transport } from './transport.js';

const CLOSE_GRACE_MS = 1000;
/** Close code of a socket that ended without a close frame (dropped, killed process). */
const ABNORMAL_CLOSURE = 1006;
/** What ASP.NET Core reports for such a socket; the upstream `disconnected` event carries it. */
const ABNORMAL_CLOSURE_ERROR =
  'The remote party closed the WebSocket connection without completing the close handshake.';
/** One options object per frame kind for every send instead of one per send. */
const TEXT_FRAME = { binary: false } as const;
const BINARY_FRAME = { binary: true } as const;

/** WebSockets: each text or binary message is fed to the connection as bytes. */
export class WebSocketTransport implements Transport {
  readonly kind = 'WebSockets' as const;
  private ended = false;
  private overflowed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly onOverflow: OverflowHandler,
  ) {}

  /**
   * Wires the socket to the connection and attaches this transport to it. Once a stateful
   * connection has resumed on another socket, this one's late messages and close are ignored.
   */
  static bind(socket: WebSocket, connection: HubConnection): WebSocketTransport {
    const transport = new WebSocketTransport(socket, () => connection.closeSlowClient());
    connection.attach(transport);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (connection.transport === transport) connection.receive(toBuffer(data));
    });
    socket.on('close', (code: number) => {
      if (connection.transport !== transport) return;
      connection.transportClosed(code === ABNORMAL_CLOSURE ? ABNORMAL_CLOSURE_ERROR : undefined);
    });
    // 'error' is always followed by 'close'; without a listener it would crash the process.
    socket.on('error', () => undefined);
    return transport;
  }

  write(data: Buffer, binary: boolean): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_PENDING_BYTES && !this.overflowed) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    // The same Buffer goes to every socket of a fan-out: no per-socket encoding.
    this.socket.send(data, binary ? BINARY_FRAME : TEXT_FRAME);
  }

  drained(): Promise<void> {
    if (this.socket.readyState === this.socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (
      this.socket.readyState === this.socket.OPEN ||
      this.socket.readyState === this.socket.CONNECTING
    ) {
      this.socket.close(1000);
      setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
    }
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
