// Counts the REST calls the API makes to the SignalR service (the figure that does not depend
// on the machine), by standing between the API and the emulator.
import http from 'node:http';
import type { SignalRConnection } from '../../api/src/signalr/connection-string.js';
import { createRestToken } from '../../api/src/signalr/tokens.js';

export interface RestCallCounter {
  /** Give the API this endpoint instead of the emulator's. */
  url: string;
  count: () => number;
  close: () => void;
}

/**
 * The emulator checks that a REST token's audience names its own port, so each call is signed
 * again for the emulator's address (with the emulator's well-known key) and forwarded unchanged
 * otherwise.
 */
export function startRestCallCounter(target: SignalRConnection): Promise<RestCallCounter> {
  let calls = 0;
  const endpoint = new URL(target.serverEndpoint);
  const server = http.createServer((request, response) => {
    calls += 1;
    const url = new URL(request.url ?? '/', target.serverEndpoint);
    const forward = http.request(
      {
        host: '127.0.0.1',
        port: endpoint.port,
        method: request.method,
        path: request.url,
        headers: {
          ...request.headers,
          host: endpoint.host,
          authorization: `Bearer ${createRestToken(target, url.toString())}`,
        },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, count: () => calls, close: () => server.close() });
    });
  });
}
