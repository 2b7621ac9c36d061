import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { TokenError, authorizeClient, unauthorized } from '../auth/access.js';
import { newConnectionId, newConnectionToken } from '../connection/connection-store.js';
import { HubConnection, type HubConnectionEvents } from '../connection/hub-connection.js';
import { connectionLifecycle } from '../connection/lifecycle.js';
import type { EmulatorContext } from '../context.js';
import { HttpError, readBody, sendEmpty, sendJson } from '../http/respond.js';
import { checkHubName } from '../names.js';
import { LongPollingTransport } from '../transports/long-polling.js';
import { ServerSentEventsTransport } from '../transports/server-sent-events.js';
import type { TransportKind } from '../transports/transport.js';
import { WebSocketTransport } from '../transports/websocket.js';

const AVAILABLE_TRANSPORTS = [
  { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
  { transport: 'ServerSentEvents', transferFormats: ['Text'] },
  { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
];

/** Frames larger than the message cap are refused by `ws` itself; leave room for several. */
const WS_PAYLOAD_FACTOR = 4;

/**
 * The client side of the service: `/client/negotiate` and the three transports on `/client/`.
 * Every request carries a token for the hub; transport requests must come from the user that
 * negotiated the connection.
 */
export class ClientEndpoints {
  private readonly webSockets: WebSocketServer;
  private readonly lifecycle: HubConnectionEvents;

  constructor(private readonly context: EmulatorContext) {
    this.lifecycle = connectionLifecycle(context);
    this.webSockets = new WebSocketServer({
      noServer: true,
      maxPayload: context.options.maxMessageSize * WS_PAYLOAD_FACTOR,
      perMessageDeflate: false,
      // Connections are tracked by the lifetime manager; a second registry would only cost memory.
      clientTracking: false,
    });
  }

  static isClientPath(pathname: string): boolean {
    return pathname === '/client' || pathname === '/client/';
  }

  static isNegotiatePath(pathname: string): boolean {
    return pathname === '/client/negotiate' || pathname === '/client/negotiate/';
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (ClientEndpoints.isNegotiatePath(url.pathname)) {
      if (request.method !== 'POST')
        throw new HttpError(405, 'Negotiate requires POST.', { Allow: 'POST' });
      this.negotiate(request, response, url);
      return;
    }
    const connection = this.authorizedConnection(request, url);
    switch (request.method) {
      case 'GET':
        if (/text\/event-stream/i.test(request.headers.accept ?? ''))
          this.startSse(connection, response);
        else this.poll(connection, response);
        return;
      case 'POST':
        await this.receive(connection, request, response);
        return;
      case 'DELETE':
        this.requireTransport(connection, 'LongPolling');
        connection.close(undefined, false, false);
        sendEmpty(response, 202);
        return;
      default:
        throw new HttpError(405, `Method ${request.method ?? ''} is not allowed here.`, {
          Allow: 'GET, POST, DELETE',
        });
    }
  }

  /** WebSocket upgrade on `/client/`; failures are answered as plain HTTP before upgrading. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    let connection: HubConnection;
    try {
      const token = url.searchParams.get('id');
      if (token === null) {
        // Skip-negotiation clients connect straight away: make the connection now.
        connection = this.createConnection(request, url);
      } else {
        connection = this.authorizedConnection(request, url);
      }
      // A stateful-reconnect connection takes a new socket in place of one that dropped.
      if (
        connection.isClosed ||
        (connection.transportKind !== undefined && !connection.canResume)
      ) {
        throw new HttpError(409, 'The connection already has a transport or has ended.');
      }
    } catch (error) {
      rejectUpgrade(socket, toHttpError(error));
      return;
    }
    this.webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      // Another request may have claimed the connection while this upgrade completed.
      if (
        connection.isClosed ||
        (connection.transportKind !== undefined && !connection.canResume)
      ) {
        webSocket.close(1008, 'The connection already has a transport or has ended.');
        return;
      }
      WebSocketTransport.bind(webSocket, connection);
    });
  }

  /** Closes the WebSocket server's own bookkeeping (the sockets are closed by their connections). */
  close(): void {
    this.webSockets.close();
  }

  private negotiate(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const version = Number(url.searchParams.get('negotiateVersion') ?? '0');
    const connection = this.createConnection(request, url);
    const body: Record<string, unknown> = {
      connectionId: connection.id,
      availableTransports: AVAILABLE_TRANSPORTS,
    };
    if (version >= 1) {
      body.negotiateVersion = 1;
      body.connectionToken = connection.token;
    }
    // Only to a client that asked: the official client refuses a flag it did not ask for.
    if (wantsStatefulReconnect(url)) body.useStatefulReconnect = true;
    sendJson(response, 200, body);
  }

  private createConnection(request: IncomingMessage, url: URL): HubConnection {
    const hub = checkHubName(url.searchParams.get('hub'));
    const identity = this.authorize(request, url, hub);
    const id = newConnectionId();
    // Before negotiate version 1 the connection id itself was the transport id.
    const legacyNegotiate =
      ClientEndpoints.isNegotiatePath(url.pathname) &&
      Number(url.searchParams.get('negotiateVersion') ?? '0') < 1;
    const { options, connections, policy } = this.context;
    const clientQuery = new URLSearchParams(url.searchParams);
    clientQuery.delete('access_token');
    const connection = new HubConnection(
      {
        id,
        token: legacyNegotiate ? id : newConnectionToken(),
        hub,
        userId: identity.userId,
        claims: identity.claims,
        clientQuery: clientQuery.toString(),
        statefulReconnect: wantsStatefulReconnect(url),
      },
      options,
      policy,
      {
        onConnected: (opened) => this.lifecycle.onConnected(opened),
        onClosed: (closed, reason) => this.lifecycle.onClosed(closed, reason),
      },
    );
    connections.add(connection);
    return connection;
  }

  private authorize(request: IncomingMessage, url: URL, hub: string) {
    try {
      return authorizeClient(
        request,
        url,
        hub,
        this.context.options.accessKey,
        this.context.port(),
        this.context.options.clock(),
      );
    } catch (error) {
      if (error instanceof TokenError) throw unauthorized(error);
      throw error;
    }
  }

  private authorizedConnection(request: IncomingMessage, url: URL): HubConnection {
    const hub = checkHubName(url.searchParams.get('hub'));
    const identity = this.authorize(request, url, hub);
    const token = url.searchParams.get('id');
    if (!token) throw new HttpError(400, 'Connection ID required (the id query parameter).');
    const connection = this.context.connections.get(token);
    if (!connection) throw new HttpError(404, 'No connection with that ID.');
    if (connection.hub !== hub.toLowerCase())
      throw new HttpError(404, 'No connection with that ID in this hub.');
    if (connection.userId !== identity.userId) {
      throw new HttpError(
        403,
        'The token is for another user than the one that negotiated this connection.',
      );
    }
    return connection;
  }

  private requireTransport(connection: HubConnection, kind: TransportKind): void {
    if (connection.transportKind !== kind) {
      throw new HttpError(
        400,
        `Connection uses ${connection.transportKind ?? 'no transport yet'}, not ${kind}.`,
      );
    }
  }

  private startSse(connection: HubConnection, response: ServerResponse): void {
    if (connection.transportKind !== undefined || connection.isClosed) {
      throw new HttpError(409, 'The connection already has a transport or has ended.');
    }
    ServerSentEventsTransport.bind(response, connection);
  }

  private poll(connection: HubConnection, response: ServerResponse): void {
    let transport = connection.transport;
    if (transport === undefined) {
      if (connection.isClosed) {
        sendEmpty(response, 204);
        return;
      }
      const owner = connection;
      transport = new LongPollingTransport(() => owner.closeSlowClient());
      connection.attach(transport);
    }
    if (!(transport instanceof LongPollingTransport)) {
      throw new HttpError(400, `Connection uses ${transport.kind}, not LongPolling.`);
    }
    // Also after the close: the queued Close message is delivered, then polls get 204.
    transport.poll(response);
  }

  private async receive(
    connection: HubConnection,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (
      connection.transportKind !== 'ServerSentEvents' &&
      connection.transportKind !== 'LongPolling'
    ) {
      throw new HttpError(
        400,
        'Sending by POST needs a Server-Sent Events or Long Polling connection.',
      );
    }
    const body = await readBody(request, this.context.options.maxMessageSize);
    if (connection.isClosed) throw new HttpError(404, 'The connection has ended.');
    connection.receive(body);
    sendEmpty(response, 200);
  }
}

/** Stateful reconnect needs negotiate version 1 (the connection token is what a resume names). */
function wantsStatefulReconnect(url: URL): boolean {
  return (
    ClientEndpoints.isNegotiatePath(url.pathname) &&
    url.searchParams.get('useStatefulReconnect') === 'true' &&
    Number(url.searchParams.get('negotiateVersion') ?? '0') >= 1
  );
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  return new HttpError(400, error instanceof Error ? error.message : 'Bad request.');
}

function rejectUpgrade(socket: Duplex, error: HttpError): void {
  const body = error.message.replace(/[\r\n]+/g, ' ') + '\n';
  const reason = STATUS_CODES[error.status] ?? 'Error';
  const headers = Object.entries(error.headers)
    .map(([name, value]) => `${name}: ${value.replace(/[^\x20-\x7e]/g, '?')}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`,
  );
}
