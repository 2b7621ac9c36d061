import {
  HANDSHAKE_OK,
  MessageType,
  PING,
  ProtocolError,
  RecordReader,
  closeMessage,
  handshakeError,
  parseHandshake,
  parseHubMessage,
  type HubMessage,
} from '../protocol/json-hub-protocol.js';
import { OutgoingMessage } from '../protocol/outgoing.js';
import type { JwtClaims } from '../auth/jwt.js';
import type { Transport, TransportKind } from '../transports/transport.js';

export interface ConnectionTimings {
  keepAliveIntervalMs: number;
  clientTimeoutMs: number;
  handshakeTimeoutMs: number;
  maxMessageSize: number;
}

export interface HubConnectionEvents {
  /** The handshake succeeded: the connection may now receive hub messages. */
  onConnected(connection: HubConnection): void;
  /** The connection ended, for whatever reason; called once. */
  onClosed(connection: HubConnection, reason: string | undefined): void;
}

export interface ConnectionIdentity {
  id: string;
  token: string;
  hub: string;
  userId: string | undefined;
  claims: JwtClaims;
  clientQuery: string;
}

/**
 * The seam where invocations a client sends to the server are decided (the policies are in
 * client-invocations.ts, which depends on this module, never the other way round). In
 * serverless mode without upstream there is nobody to deliver them to, so the connection is
 * closed with the reason. With upstream, they are forwarded and answered later with
 * `connection.send`; a policy must never block.
 */
export interface ClientInvocationPolicy {
  onInvocation(connection: HubConnection, message: HubMessage): void;
}

type State = 'waiting-for-transport' | 'handshaking' | 'connected' | 'closed';

const PING_MESSAGE = new OutgoingMessage(PING);
const HANDSHAKE_OK_MESSAGE = new OutgoingMessage(HANDSHAKE_OK);

/**
 * One client connection, independent of its transport: handshake, message dispatch, the
 * keep-alive, idle and handshake timers, and closing. Transports feed it text and it writes
 * framed messages back through the transport it was attached to.
 */
export class HubConnection {
  private state: State = 'waiting-for-transport';
  private currentTransport: Transport | undefined;
  private readonly reader: RecordReader;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private wroteSinceLastKeepAlive = false;

  readonly id: string;
  /** The transport id (`id` query) the client uses after negotiate. */
  readonly token: string;
  /** Lower-cased hub name. */
  readonly hub: string;
  readonly userId: string | undefined;
  /** The token's claims and the negotiate query: what upstream events report about a client. */
  readonly claims: Readonly<JwtClaims>;
  readonly clientQuery: string;

  constructor(
    identity: ConnectionIdentity,
    private readonly timings: ConnectionTimings,
    private readonly policy: ClientInvocationPolicy,
    private readonly events: HubConnectionEvents,
  ) {
    this.id = identity.id;
    this.token = identity.token;
    this.hub = identity.hub.toLowerCase();
    this.userId = identity.userId;
    this.claims = identity.claims;
    this.clientQuery = identity.clientQuery;
    this.reader = new RecordReader(timings.maxMessageSize);
    // Covers both a negotiated connection that never opens a transport and a silent handshake.
    this.handshakeTimer = setTimeout(
      () => this.close('Handshake was canceled: no handshake request within the timeout.', false),
      timings.handshakeTimeoutMs,
    );
    this.handshakeTimer.unref();
  }

  get transport(): Transport | undefined {
    return this.currentTransport;
  }

  get transportKind(): TransportKind | undefined {
    return this.currentTransport?.kind;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  attach(transport: Transport): void {
    if (this.state !== 'waiting-for-transport')
      throw new Error('Connection already has a transport.');
    this.currentTransport = transport;
    this.state = 'handshaking';
    this.idleTimer = setTimeout(
      () =>
        this.close('Server timeout elapsed without receiving a message from the client.', false),
      this.timings.clientTimeoutMs,
    );
    this.idleTimer.unref();
  }

  /** Text received from the transport; any malformed input closes this connection only. */
  receive(text: string): void {
    if (this.state === 'closed' || this.state === 'waiting-for-transport') return;
    this.idleTimer?.refresh();
    try {
      for (const record of this.reader.push(text)) {
        if ((this.state as State) === 'closed') return;
        if (this.state === 'handshaking') this.handshake(record);
        else this.dispatch(record);
      }
    } catch (error) {
      // Whatever went wrong, it ends this connection only, never the process.
      const reason =
        error instanceof ProtocolError
          ? error.message
          : 'Internal error while handling the message.';
      if (this.state === 'handshaking') {
        this.currentTransport?.write(new OutgoingMessage(handshakeError(reason)));
        this.close(undefined, false, false);
      } else {
        this.close(`Connection closed with an error: ${reason}`, false);
      }
    }
  }

  /** Writes a hub message; ignored until the handshake completes or after close. */
  send(message: OutgoingMessage): void {
    if (this.state !== 'connected') return;
    this.wroteSinceLastKeepAlive = true;
    this.currentTransport?.write(message);
  }

  /**
   * Sends a Close message (when the handshake completed) and ends the transport.
   * `error` is what the client reports as the reason.
   */
  close(error: string | undefined, allowReconnect: boolean, sendCloseMessage = true): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.idleTimer);
    clearInterval(this.keepAliveTimer);
    if (wasConnected && sendCloseMessage) {
      this.currentTransport?.write(new OutgoingMessage(closeMessage(error, allowReconnect)));
    }
    this.currentTransport?.end();
    this.events.onClosed(this, error);
  }

  /** Resolves when what the connection wrote before closing has left (immediately without a transport). */
  drained(): Promise<void> {
    return this.currentTransport?.drained() ?? Promise.resolve();
  }

  /** The transport holds too much unread data for this client. */
  closeSlowClient(): void {
    this.close('The client did not read its messages fast enough.', true);
  }

  /**
   * The wire went away underneath (socket closed, SSE request aborted). `error` describes an
   * abnormal end (no close handshake); a client that closed properly ended without an error.
   */
  transportClosed(error?: string): void {
    this.close(error, false, false);
  }

  private handshake(record: string): void {
    parseHandshake(record);
    clearTimeout(this.handshakeTimer);
    this.currentTransport?.write(HANDSHAKE_OK_MESSAGE);
    this.state = 'connected';
    this.keepAliveTimer = setInterval(() => {
      if (!this.wroteSinceLastKeepAlive) this.currentTransport?.write(PING_MESSAGE);
      this.wroteSinceLastKeepAlive = false;
    }, this.timings.keepAliveIntervalMs);
    this.keepAliveTimer.unref();
    this.events.onConnected(this);
  }

  private dispatch(record: string): void {
    const message = parseHubMessage(record);
    switch (message.type) {
      case MessageType.Ping:
        return;
      case MessageType.Close:
        this.close(undefined, false, false);
        return;
      case MessageType.Invocation:
      case MessageType.StreamInvocation: {
        this.policy.onInvocation(this, message);
        return;
      }
      case MessageType.StreamItem:
      case MessageType.Completion:
      case MessageType.CancelInvocation:
        this.close(
          `Message type ${message.type} is not supported: the server never invokes or streams to clients in serverless mode.`,
          false,
        );
        return;
      case MessageType.Ack:
      case MessageType.Sequence:
        this.close(
          `Message type ${message.type} requires stateful reconnect, which is not enabled.`,
          false,
        );
        return;
      default:
        throw new ProtocolError(`Unknown message type ${message.type}.`);
    }
  }
}
