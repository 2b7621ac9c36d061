/**
 * A stand-in for the network at the fetch boundary: each request is recorded and answered
 * by the first handler whose method and path match. Unmatched requests fail loudly.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, without "?" ('' when none). */
  query: string;
  body: unknown;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: { method: string; path: string; handler: Handler }[] = [];

  route(method: string, path: string, handler: Handler): this {
    this.routes.unshift({ method, path, handler });
    return this;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      'http://app.test',
    );
    const method = (init?.method ?? 'GET').toUpperCase();
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const request = { method, path: url.pathname, query: url.search.slice(1), body };
    this.requests.push(request);
    const route = this.routes.find((r) => r.method === method && r.path === url.pathname);
    if (!route) throw new Error(`FakeFetch: no route for ${method} ${url.pathname}`);
    return route.handler(request);
  };
}
