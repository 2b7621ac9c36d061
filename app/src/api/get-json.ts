import { ApiError, apiErrorFromResponse, networkError } from './api-error.js';

export interface GetJsonOptions {
  /** Fails the request after this long, so no view waits forever. */
  timeoutMs?: number;
  /** Names the resource in the error when the answer is not JSON, e.g. "The presence list". */
  what: string;
}

/**
 * GET from our own origin (the SWA session cookie goes along), never from the HTTP cache.
 * Resolves with the status and parsed JSON body of a 2xx answer; everything else rejects with an ApiError:
 * no answer (status 0), a non-2xx answer (with the API's error body), or a body that is not JSON.
 */
export async function getJson(
  path: string,
  fetchFn: typeof fetch,
  { timeoutMs, what }: GetJsonOptions,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetchFn(path, {
      ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) throw await apiErrorFromResponse(response);
  try {
    return { status: response.status, body: (await response.json()) as unknown };
  } catch {
    throw new ApiError(response.status, 'http', `${what} was not JSON.`);
  }
}
