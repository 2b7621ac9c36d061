import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { ClientEndpoints } from '../client/client-endpoints.js';
import type { EmulatorContext } from '../context.js';
import { handleRest } from '../rest/rest-endpoints.js';
import { applyCors } from './cors.js';
import { HttpError, sendError, sendRestError } from './respond.js';

function requestUrl(request: IncomingMessage): URL {
  try {
    // Only the path and query matter; the base keeps URL parsing away from the Host header.
    return new URL(request.url ?? '/', 'http://emulator.invalid');
  } catch {
    throw new HttpError(400, 'The request URL is malformed.');
  }
}

/**
 * The HTTP front door: CORS, then `/client/...` to the client endpoints and `/api/...` to the
 * REST API; WebSocket upgrades on `/client/`. Every failure becomes a 4xx with a one-line
 * reason; an unexpected error is logged and answered with a 500 without stopping the process.
 */
export function createFront(context: EmulatorContext, client: ClientEndpoints): Server {
  const server = createServer((request, response) => {
    handle(context, client, request, response).catch((error: unknown) => {
      // Last line of defence: even a failure to answer must not end the process.
      context.options.log(`failed to answer a request: ${String(error)}`);
      response.destroy();
    });
  });
  // REST callers keep connections alive between sends. Node's 5 s default lets the server close an
  // idle connection just as a caller writes its next request on it ("socket hang up"); a long idle
  // timeout, like a cloud load balancer's, makes that race rare. Requests still time out normally.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    try {
      const url = requestUrl(request);
      if (!ClientEndpoints.isClientPath(url.pathname)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      client.upgrade(request, socket, head, url);
    } catch (error) {
      context.options.log(
        `upgrade failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      socket.destroy();
    }
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function handle(
  context: EmulatorContext,
  client: ClientEndpoints,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // REST API errors are JSON with an error code; the client endpoints answer in plain text.
  const isRest = /^\/api(\/|$|\?)/.test(request.url ?? '');
  const fail = isRest ? sendRestError : sendError;
  try {
    if (applyCors(request, response)) return;
    const url = requestUrl(request);
    const path = url.pathname;
    if (path === '/client' || path.startsWith('/client/')) {
      await client.handle(request, response, url);
    } else if (path === '/api' || path.startsWith('/api/')) {
      await handleRest(context, request, response, url);
    } else {
      throw new HttpError(
        404,
        `Nothing here: ${path.slice(0, 200)}. Try /client/negotiate or /api/.`,
      );
    }
  } catch (error) {
    if (error instanceof HttpError) {
      if (error.status === 413) {
        // Keep draining the oversize body so the client reads the 413, but not forever.
        response.setHeader('Connection', 'close');
        setTimeout(() => request.destroy(), 5_000).unref();
      }
      fail(response, error);
      return;
    }
    context.options.log(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    fail(response, new HttpError(500, 'Internal error in the emulator.'));
  }
}
