import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { errorResponse } from './errors.js';

/** Far above a 2,000-character message in JSON (even fully \u-escaped), far below abuse. */
export const MAX_BODY_BYTES = 16 * 1024;

export type JsonBodyResult =
  { ok: true; value: unknown } | { ok: false; response: HttpResponseInit };

const tooLarge = (): JsonBodyResult => ({
  ok: false,
  response: errorResponse(
    413,
    'payload_too_large',
    `The body must be at most ${MAX_BODY_BYTES} bytes.`,
    {
      field: 'body',
      rule: 'max-size',
    },
  ),
});

const badBody = (rule: string, message: string): JsonBodyResult => ({
  ok: false,
  response: errorResponse(400, 'invalid_body', message, { field: 'body', rule }),
});

/**
 * Reads a JSON request body defensively: content type first, then size (the header and the
 * bytes actually read, so chunked bodies cannot slip past), strict UTF-8, then JSON.
 */
export async function readJsonBody(request: HttpRequest): Promise<JsonBodyResult> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return {
      ok: false,
      response: errorResponse(
        415,
        'unsupported_media_type',
        'Send the body as application/json (UTF-8).',
        { field: 'body', rule: 'content-type' },
      ),
    };
  }

  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) return tooLarge();

  let bytes: Uint8Array | null;
  try {
    bytes = await readAtMost(request, MAX_BODY_BYTES);
  } catch {
    // The client went away mid-body: its request, its 400.
    return badBody('incomplete', 'The body could not be read completely.');
  }
  if (bytes === null) return tooLarge();

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return badBody('utf-8', 'The body is not valid UTF-8.');
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Includes engine limits such as extreme nesting: still the client's input, still a 400.
    return badBody('json', 'The body is not valid JSON.');
  }
}

function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='));
  return charset === undefined || /^charset="?utf-8"?$/.test(charset);
}

/** The body's bytes, or null as soon as more than `limit` bytes arrive. */
async function readAtMost(request: HttpRequest, limit: number): Promise<Uint8Array | null> {
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) continue;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
