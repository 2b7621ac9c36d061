// One person's network, which the soak can cut: every socket the person's SignalR client opens
// is made here (through the `WebSocket` constructor option of the official client, via `ws`'s
// `createConnection`), so a cut destroys them at the TCP level, without a WebSocket close
// frame, as a dropped Wi-Fi would. While cut, new sockets, the client's negotiate requests and
// the person's own API calls fail at once, the way a machine without a network fails them.
import net from 'node:net';
import {
  DefaultHttpClient,
  type HttpRequest,
  type HttpResponse,
  type ILogger,
} from '@microsoft/signalr';
import WebSocket from 'ws';

export class NetworkCutError extends Error {
  override name = 'NetworkCutError';
  readonly code = 'ENETUNREACH';
  constructor() {
    super('the network is cut (soak fault)');
  }
}

/** What the SignalR client calls: `new WebSocket(url, undefined, { headers })` in Node. */
export type WebSocketConstructor = new (
  address: string | URL,
  protocols?: string | string[],
  options?: WebSocket.ClientOptions,
) => WebSocket;

export class CuttableNetwork {
  private readonly sockets = new Set<net.Socket>();
  private readonly requests = new Set<AbortController>();
  private cutUntil = 0;

  /** The constructor the SignalR client uses for its WebSockets. */
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const connect = (options: net.NetConnectOpts): net.Socket => this.connect(options);
    this.WebSocket = class CuttableWebSocket extends WebSocket {
      constructor(
        address: string | URL,
        protocols?: string | string[],
        options?: WebSocket.ClientOptions,
      ) {
        super(address, protocols, {
          ...options,
          createConnection: connect as WebSocket.ClientOptions['createConnection'],
        });
      }
    };
  }

  get isCut(): boolean {
    return Date.now() < this.cutUntil;
  }

  /** Cuts the network for `ms`: open sockets and requests die now, new ones fail until then. */
  cut(ms: number): void {
    this.cutUntil = Date.now() + ms;
    for (const socket of this.sockets) socket.destroy();
    for (const request of this.requests) request.abort(new NetworkCutError());
  }

  /** The HTTP client for the SignalR client's negotiate (and any fallback transport). */
  httpClient(logger: ILogger): DefaultHttpClient {
    const isCut = (): boolean => this.isCut;
    return new (class extends DefaultHttpClient {
      override send(request: HttpRequest): Promise<HttpResponse> {
        if (isCut()) return Promise.reject(new NetworkCutError());
        return super.send(request);
      }
    })(logger);
  }

  /** `fetch` through this network, bounded by `timeoutMs`. */
  async fetch(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    if (this.isCut) throw new NetworkCutError();
    const controller = new AbortController();
    this.requests.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
    try {
      const response = await fetch(url, { ...init, signal: controller.signal });
      // The body is read here, inside the cut's reach, so a cut during the download fails too.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, headers: response.headers });
    } finally {
      clearTimeout(timer);
      this.requests.delete(controller);
    }
  }

  private connect(options: net.NetConnectOpts): net.Socket {
    if (this.isCut) {
      const socket = new net.Socket();
      process.nextTick(() => socket.destroy(new NetworkCutError()));
      return socket;
    }
    const socket = net.createConnection(options);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }
}
