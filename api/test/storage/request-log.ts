// A recording HTTP proxy between the SDK and Azurite (a real server on 127.0.0.1, port 0), so
// tests can check which requests an operation makes: how many, which partitions, what page size.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  method: string;
  /** Path and query, decoded. */
  url: string;
}

export interface RequestLog {
  port: number;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

export async function startRequestLog(upstreamPort: number): Promise<RequestLog> {
  const requests: LoggedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    requests.push({
      method: incoming.method ?? '',
      url: decodeURIComponent(incoming.url ?? '').replace(/\+/g, ' '),
    });
    const upstream = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
