import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An HTTP failure with a one-line reason, turned into a response at the front door. `code` is
 * the REST API's error code (`x-ms-error-code` and the body's `code`); without one, the status
 * decides it.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Codes for REST errors that carry none of their own (the service publishes no full list). */
const DEFAULT_CODES: Record<number, string> = {
  400: 'Error.Request.Invalid',
  401: 'Error.Request.Unauthorized',
  403: 'Error.Request.Forbidden',
  404: 'Error.Request.NotFound',
  405: 'Error.Request.MethodNotAllowed',
  413: 'Error.Request.TooLarge',
  500: 'Error.Internal',
  501: 'Error.Request.NotImplemented',
};

/**
 * A REST API error as the service sends it: the swagger's ErrorDetail body
 * `{"code", "message"}` and the same code in `x-ms-error-code` (HEAD: the header only).
 */
export function sendRestError(response: ServerResponse, error: HttpError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const code = error.code ?? DEFAULT_CODES[error.status] ?? `Error.Http${error.status}`;
  const body = JSON.stringify({ code, message: error.message.replace(/[\r\n]+/g, ' ') });
  response.writeHead(error.status, {
    ...error.headers,
    'x-ms-error-code': code,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

export function sendError(response: ServerResponse, error: HttpError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = error.message.replace(/[\r\n]+/g, ' ') + '\n';
  response.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

export function sendEmpty(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...headers, 'Content-Length': 0 });
  response.end();
}

/** Reads the whole body; a 413 as soon as it exceeds `limit` bytes (the rest is not buffered). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, `Request body exceeds the limit of ${limit} bytes.`));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new HttpError(413, `Request body exceeds the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (!failed) reject(new HttpError(400, `Request body could not be read: ${error.message}`));
      failed = true;
    });
  });
}
