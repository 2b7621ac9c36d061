import { ApiError, apiErrorFromResponse, networkError } from './api-error.js';

export const WRITE_TIMEOUT_MS = 20_000;

/**
 * A write to our own API (POST, PUT, PATCH, DELETE) with an optional JSON body. Resolves with the
 * status and the parsed body of a 2xx answer (undefined for 204 or a body that is not JSON:
 * the write happened all the same); rejects with an ApiError otherwise, or when the server
 * does not answer within the timeout.
 */
export async function sendJson(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  fetchFn: typeof fetch,
  timeoutMs = WRITE_TIMEOUT_MS,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetchFn(path, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) throw await apiErrorFromResponse(response);
  if (response.status === 204) return { status: 204, body: undefined };
  try {
    return { status: response.status, body: (await response.json()) as unknown };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/** The error for a 2xx answer whose body is not what the contract promises. */
export function unexpectedAnswer(status: number, what: string): ApiError {
  return new ApiError(status, 'http', `${what}: the server sent an unexpected answer.`);
}
