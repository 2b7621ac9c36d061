/** Why a call to our API did not succeed, in a form the UI can explain to a person. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** The HTTP status, or 0 when no response arrived (network down, request aborted). */
    readonly status: number,
    /** The machine-readable code from the API's error body, or one of ours ('network', 'http'). */
    readonly code: string,
    message: string,
    readonly details: {
      field?: string;
      rule?: string;
      /** From a 429's Retry-After header, in whole seconds. */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; field?: unknown; rule?: unknown };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Builds an ApiError from a non-2xx response, tolerating bodies that are not our JSON shape. */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null) body = parsed as ErrorBody;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status alone has to do.
  }
  const error = body.error ?? {};
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  return new ApiError(
    response.status,
    optionalString(error.code) ?? 'http',
    optionalString(error.message) ?? `The server answered ${response.status}.`,
    {
      field: optionalString(error.field),
      rule: optionalString(error.rule),
      retryAfterSeconds,
    },
  );
}

export function networkError(cause: unknown): ApiError {
  // By name: the DOMException may come from another realm (a test's or a frame's).
  const timedOut =
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { name?: unknown }).name === 'TimeoutError';
  const error = timedOut
    ? new ApiError(0, 'timeout', 'The server did not answer in time.')
    : new ApiError(0, 'network', 'The server could not be reached.');
  error.cause = cause;
  return error;
}
