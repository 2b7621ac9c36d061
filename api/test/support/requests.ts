import functions, { type HttpResponseInit } from '@azure/functions';

const { HttpRequest, InvocationContext } = functions;

export const EMULATOR_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';

export interface TestUser {
  userId: string;
  userDetails: string;
}

export const alice: TestUser = { userId: 'alice-id', userDetails: 'alice' };
export const bob: TestUser = { userId: 'bob-id', userDetails: 'bob' };
export const carol: TestUser = { userId: 'carol-id', userDetails: 'carol' };

/** The header SWA sends for a signed-in user. */
export function principalHeader(user: TestUser, roles = ['anonymous', 'authenticated']): string {
  const principal = { identityProvider: 'github', ...user, userRoles: roles };
  return Buffer.from(JSON.stringify(principal)).toString('base64');
}

export interface RequestOptions {
  user?: TestUser;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  url?: string;
  /** POST unless told. */
  method?: string;
}

export function makeRequest(options: RequestOptions = {}): InstanceType<typeof HttpRequest> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user) headers['x-ms-client-principal'] = principalHeader(options.user);
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? { string: options.body }
        : { bytes: options.body };
  return new HttpRequest({
    method: options.method ?? 'POST',
    url: options.url ?? 'http://127.0.0.1/api/messages',
    headers,
    ...(body ? { body } : {}),
  });
}

/** A JSON POST as the app sends it. */
export function jsonRequest(
  user: TestUser | undefined,
  body: unknown,
): InstanceType<typeof HttpRequest> {
  return makeRequest({
    ...(user ? { user } : {}),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function makeContext(functionName = 'messages'): InstanceType<typeof InvocationContext> {
  // Swallow logs: tests assert on responses, and expected failures would clutter the output.
  return new InvocationContext({ functionName, logHandler: () => undefined });
}

/** The error body of an API error response. */
export function errorOf(response: HttpResponseInit): {
  code: string;
  field?: string;
  rule?: string;
} {
  return (response.jsonBody as { error: { code: string; field?: string; rule?: string } }).error;
}
