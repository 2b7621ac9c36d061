import type { JwtClaims } from '../auth/jwt.js';
import { HANDSHAKE_OK, HandshakeReader, handshakeError } from '../protocol/handshake.js';
import {
  type HubMessage,
  type HubProtocol,
  type MessageReader,
  MessageType,
  ProtocolError,
} from '../protocol/hub-protocol.js';
import { OutgoingMessage } from '../protocol/outgoing.js';
import { MAX_PENDING_BYTES, type Transport, type TransportKind } from '../transports/transport.js';
import { type ClientResult, ClientResults } from './client-results.js';
import { KeepAlive } from './keep-alive.js';
import { StatefulReconnect } from './stateful-reconnect.js';

export interface ConnectionTimings {
  keepAliveIntervalMs: number;
  clientTimeoutMs: number;
  handshakeTimeoutMs: number;
  maxMessageSize: number;
  /** How long a stateful-reconnect connection whose socket dropped waits for the client's return. */
  statefulReconnectWindowMs: number;
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
  /** The client negotiated with `useStatefulReconnect=true` (and was told yes). */
  statefulReconnect?: boolean;
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

/** `disconnected`: a stateful-reconnect connection between a dropped socket and the next one. */
type State = 'waiting-for-transport' | 'handshaking' | 'connected' | 'disconnected' | 'closed';

const PING = new OutgoingMessage({ type: MessageType.Ping });

/**
 * One client connection, independent of its transport and hub protocol: handshake, message
 * dispatch, the keep-alive, idle and handshake timers, stateful reconnect, and closing.
 * Transports feed it bytes and it writes framed messages back through its current transport.
 */
export class HubConnection {
  private state: State = 'waiting-for-transport';
  private currentTransport: Transport | undefined;
  private handshakeReader: HandshakeReader | undefined;
  private reader: MessageReader | undefined;
  private hubProtocol: HubProtocol | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: KeepAlive;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stateful: StatefulReconnect | undefined;
  /** Made on the first REST `:invoke`: most connections never need one. */
  private results: ClientResults | undefined;

  readonly id: string;
  /** The transport id (`id` query) the client uses after negotiate. */
  readonly token: string;
  /** Lower-cased hub name. */
  readonly hub: string;
  readonly userId: string | undefined;
  /** The token's claims and the negotiate query: what upstream events report about a client. */
  readonly claims: Readonly<JwtClaims>;
  readonly clientQuery: string;
  private readonly statefulReconnectNegotiated: boolean;

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
    this.statefulReconnectNegotiated = identity.statefulReconnect === true;
    this.keepAlive = new KeepAlive(timings.keepAliveIntervalMs, () =>
      this.write(PING.bytes(this.hubProtocol as HubProtocol)),
    );
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

  /** The hub protocol chosen at the handshake (undefined before it). */
  get protocol(): HubProtocol | undefined {
    return this.hubProtocol;
  }

  /** A new WebSocket may take over this connection (stateful reconnect). */
  get canResume(): boolean {
    return (
      this.stateful !== undefined && (this.state === 'connected' || this.state === 'disconnected')
    );
  }

  attach(transport: Transport): void {
    if (this.canResume && transport.kind === 'WebSockets') {
      this.resume(transport);
      return;
    }
    if (this.state !== 'waiting-for-transport')
      throw new Error('Connection already has a transport.');
    this.currentTransport = transport;
    this.state = 'handshaking';
    this.handshakeReader = new HandshakeReader(this.timings.maxMessageSize);
    this.startIdleTimer();
  }

  /** Bytes received from the transport; any malformed input closes this connection only. */
  receive(chunk: Buffer): void {
    if (this.state !== 'handshaking' && this.state !== 'connected') return;
    this.idleTimer?.refresh();
    try {
      let data = chunk;
      if (this.state === 'handshaking') {
        const done = this.handshakeReader?.push(chunk);
        if (done === undefined) return;
        this.handshake(done.request.protocol, done.request.version);
        data = done.rest;
        if (data.length === 0) return;
      }
      for (const message of this.reader?.push(data) ?? []) {
        if ((this.state as State) !== 'connected') return;
        this.dispatch(message);
      }
    } catch (error) {
      // Whatever went wrong, it ends this connection only, never the process.
      const reason =
        error instanceof ProtocolError
          ? error.message
          : 'Internal error while handling the message.';
      if (this.state === 'handshaking') {
        this.currentTransport?.write(handshakeError(reason), false);
        this.close(undefined, false, false);
      } else {
        this.close(`Connection closed with an error: ${reason}`, false);
      }
    }
  }

  /** Writes a hub message; ignored until the handshake completes or after close. */
  send(message: OutgoingMessage): void {
    if (this.state !== 'connected' && this.state !== 'disconnected') return;
    const protocol = this.hubProtocol as HubProtocol;
    const bytes = message.bytes(protocol);
    if (this.stateful && !this.stateful.hold(message, bytes.length)) {
      this.closeSlowClient();
      return;
    }
    // While disconnected, held messages wait for the client's return.
    if (this.state === 'connected') this.write(bytes);
  }

  /**
   * Sends an invocation that expects the client's answer (a client result) and resolves with
   * it, or with why there is none.
   */
  invoke(target: string, args: readonly unknown[], timeoutMs: number): Promise<ClientResult> {
    if (this.state !== 'connected' && this.state !== 'disconnected') {
      return Promise.resolve({ kind: 'closed', error: 'The connection has ended.' });
    }
    this.results ??= new ClientResults();
    const { invocationId, answer } = this.results.expect(timeoutMs);
    this.send(
      new OutgoingMessage({ type: MessageType.Invocation, invocationId, target, arguments: args }),
    );
    return answer;
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
    this.keepAlive.stop();
    clearTimeout(this.reconnectTimer);
    this.stateful?.dispose();
    this.results?.cancelAll(error ?? 'The connection has ended.');
    if (wasConnected && sendCloseMessage) {
      const close: HubMessage = { type: MessageType.Close };
      if (error !== undefined && error !== '') close.error = error;
      if (allowReconnect) close.allowReconnect = true;
      this.write(new OutgoingMessage(close).bytes(this.hubProtocol as HubProtocol));
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
   * A stateful-reconnect connection whose socket dropped that way waits for the client to come
   * back on a new socket instead; one the client closed properly (its `stop()`, a closed tab)
   * ends at once, as in ASP.NET Core.
   */
  transportClosed(error?: string): void {
    if (this.stateful && this.state === 'connected' && error !== undefined) {
      this.state = 'disconnected';
      clearTimeout(this.idleTimer);
      this.keepAlive.stop();
      this.reconnectTimer = setTimeout(
        () => this.close(error, false, false),
        this.timings.statefulReconnectWindowMs,
      );
      this.reconnectTimer.unref();
      return;
    }
    this.close(error, false, false);
  }

  private write(bytes: Buffer): void {
    this.keepAlive.wrote();
    this.currentTransport?.write(bytes, this.hubProtocol?.binary ?? false);
  }

  private startIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () =>
        this.close('Server timeout elapsed without receiving a message from the client.', false),
      this.timings.clientTimeoutMs,
    );
    this.idleTimer.unref();
  }

  private handshake(protocol: HubProtocol, version: number): void {
    if (protocol.binary && this.currentTransport?.kind === 'ServerSentEvents') {
      throw new ProtocolError(
        `Cannot use the '${protocol.name}' protocol on the current transport. The transport does not support the 'Binary' transfer format.`,
      );
    }
    clearTimeout(this.handshakeTimer);
    this.hubProtocol = protocol;
    this.reader = protocol.createReader(this.timings.maxMessageSize);
    this.handshakeReader = undefined;
    // Version 2 of a protocol is what a client with stateful reconnect asks for, and only
    // WebSockets can resume (as in the official client).
    if (
      this.statefulReconnectNegotiated &&
      version >= 2 &&
      this.currentTransport?.kind === 'WebSockets'
    ) {
      this.stateful = new StatefulReconnect((ack) => {
        if (this.state === 'connected') this.write(ack.bytes(protocol));
      }, MAX_PENDING_BYTES);
    }
    // The handshake answer is JSON text, framed as the protocol's messages will be.
    this.write(HANDSHAKE_OK);
    this.state = 'connected';
    this.keepAlive.start();
    this.events.onConnected(this);
  }

  /**
   * A new socket for a stateful-reconnect connection: the old one (if the server had not yet
   * noticed it was gone) is ended, and the client gets a Sequence and every unacknowledged
   * message. No new handshake: the client continues in the same protocol.
   */
  private resume(transport: Transport): void {
    const previous = this.currentTransport;
    this.currentTransport = transport;
    previous?.end();
    clearTimeout(this.reconnectTimer);
    this.state = 'connected';
    // The old socket may have ended mid-message: start framing afresh.
    this.reader = (this.hubProtocol as HubProtocol).createReader(this.timings.maxMessageSize);
    this.startIdleTimer();
    this.keepAlive.stop();
    const protocol = this.hubProtocol as HubProtocol;
    for (const message of (this.stateful as StatefulReconnect).resend()) {
      this.write(message.bytes(protocol));
    }
    this.keepAlive.start();
  }

  private dispatch(message: HubMessage): void {
    if (this.stateful && !this.stateful.isNew(message)) return;
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
      case MessageType.Completion:
        if (this.results?.complete(message)) return;
        this.close(
          'Completion for an invocation the server did not make or no longer waits for.',
          false,
        );
        return;
      case MessageType.StreamItem:
      case MessageType.CancelInvocation:
        this.close(
          `Message type ${message.type} is not supported: the server never streams to clients in serverless mode.`,
          false,
        );
        return;
      case MessageType.Ack:
      case MessageType.Sequence:
        if (!this.stateful) {
          this.close(
            `Message type ${message.type} requires stateful reconnect, which is not enabled.`,
            false,
          );
        } else if (message.type === MessageType.Ack) {
          this.stateful.acknowledged(message);
        } else {
          this.stateful.resetReceiving(message);
        }
        return;
      default:
        throw new ProtocolError(`Unknown message type ${message.type}.`);
    }
  }
}
