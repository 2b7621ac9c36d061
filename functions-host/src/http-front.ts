import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppRunner, LoadedApp } from './app-runner.js';
import type { InvocationRequest } from './protocol.js';
import { httpTriggerOf } from './route-table.js';

// The Functions host's default request size limit (100 MB).
const MAX_BODY_BYTES = 100 * 1024 * 1024;
// How long a request waits for a worker while none is loaded (first start, crash, failed load).
const WAIT_FOR_APP_MS = 30_000;

export interface FrontOptions {
  runner: AppRunner;
  log: (line: string) => void;
  /** Key for functions with authLevel "function" or "admin"; without one they answer 401. */
  functionKey: () => string | undefined;
  /** "http://127.0.0.1:7071", used when a request has no usable Host header. */
  baseUrl: () => string;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function keyMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function adminFunctions(app: LoadedApp, baseUrl: string): unknown[] {
  return app.functions.map((fn) => {
    const trigger = httpTriggerOf(fn);
    const routed = app.routes.functions.find((candidate) => candidate.name === fn.name);
    return {
      name: fn.name,
      language: 'node',
      isDisabled: false,
      isDirect: false,
      invoke_url_template: routed ? `${baseUrl}${app.routes.publicPath(routed)}` : null,
      config: { name: fn.name, bindings: fn.bindings },
      ...(trigger
        ? {}
        : { note: 'not an HTTP trigger: registered, but this host does not run it' }),
    };
  });
}

/** The HTTP listener's request handler: admin endpoints, routing, keys, and handing invocations to the worker. */
export function createRequestHandler(options: FrontOptions) {
  const { runner, log } = options;

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    } catch {
      try {
        url = new URL(req.url ?? '/', options.baseUrl());
      } catch {
        sendJson(res, 400, {
          error: 'Bad Request',
          message: 'the request target is not a valid URL',
        });
        return;
      }
    }
    const path = url.pathname;

    if (path === '/admin/host/status' && method === 'GET') {
      sendJson(res, 200, { state: runner.app ? 'Running' : 'Default', version: '4.0.0-local' });
      return;
    }

    const app = await runner.waitForApp(WAIT_FOR_APP_MS);
    if (!app) {
      req.resume();
      sendJson(res, 503, {
        error: 'Service Unavailable',
        message: 'the function app is not loaded (see the host log for the load error)',
      });
      return;
    }

    if (path === '/admin/functions' && method === 'GET') {
      sendJson(res, 200, adminFunctions(app, options.baseUrl()));
      return;
    }

    const resolution = app.routes.resolve(method, path);
    if (resolution.kind === 'not-found') {
      req.resume();
      sendJson(res, 404, {
        error: 'Not Found',
        message: `no function is routed at ${method} ${path}`,
      });
      return;
    }
    if (resolution.kind === 'method-not-allowed') {
      req.resume();
      sendJson(
        res,
        405,
        { error: 'Method Not Allowed', message: `${path} accepts ${resolution.allow.join(', ')}` },
        { allow: resolution.allow.join(', ') },
      );
      return;
    }

    const { fn, params } = resolution;
    if (fn.authLevel !== 'anonymous') {
      const key = options.functionKey();
      const given =
        (req.headers['x-functions-key'] as string | undefined) ??
        url.searchParams.get('code') ??
        undefined;
      if (!key || !keyMatches(key, given)) {
        req.resume();
        sendJson(res, 401, {
          error: 'Unauthorized',
          message: key
            ? `function "${fn.name}" has authLevel "${fn.authLevel}": send the key as x-functions-key or ?code=`
            : `function "${fn.name}" has authLevel "${fn.authLevel}" and this local host has no key configured (FUNCTIONS_HOST_KEY)`,
        });
        return;
      }
    }

    let body: Uint8Array;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendJson(res, 413, {
          error: 'Payload Too Large',
          message: `the body exceeds ${MAX_BODY_BYTES} bytes`,
        });
        req.destroy();
      } else {
        res.destroy();
      }
      return;
    }

    const request: InvocationRequest = {
      method,
      url: url.href,
      headers: flattenHeaders(req),
      params,
      body,
    };
    const elapsed = (): string =>
      `${Number((process.hrtime.bigint() - started) / 1000n) / 1000} ms`;
    const noBody = method === 'HEAD';
    await new Promise<void>((done) => {
      let settled = false;
      const settle = (line: string): void => {
        if (settled) return;
        settled = true;
        log(line);
        done();
      };
      const fail = (message: string): void => {
        if (settled) return;
        sendJson(res, 500, {
          error: 'Internal Server Error',
          message: `function "${fn.name}" failed; see the host log`,
        });
        settle(`Executed '${fn.name}' ${method} ${path} -> failed in ${elapsed()}: ${message}`);
      };
      app.worker.invoke(fn.name, request, {
        start(status, headers, cookies) {
          const head: [string, string][] = [...headers];
          for (const cookie of cookies) head.push(['set-cookie', cookie]);
          try {
            res.writeHead(status, head.flat());
          } catch (error) {
            fail(`invalid response head: ${(error as Error).message}`);
          }
        },
        chunk(data) {
          if (!settled && !noBody && !res.destroyed) res.write(data);
        },
        end() {
          if (settled) return;
          res.end();
          settle(`Executed '${fn.name}' ${method} ${path} -> ${res.statusCode} in ${elapsed()}`);
        },
        fail,
      });
    });
  };
}
