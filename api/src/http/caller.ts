// Who calls, for the endpoints: the signed-in person from the SWA principal (principal.ts, the
// one place that reads it), and the JSON body, each refused with the API's errors.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readClientPrincipal } from '../principal.js';
import { unauthenticated } from './errors.js';
import { readJsonBody } from './json-body.js';

export interface Caller {
  id: string;
  name: string;
}

/** Runs `work` as the signed-in caller; 401 without one. */
export async function asCaller(
  request: HttpRequest,
  work: (caller: Caller) => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  const principal = readClientPrincipal(request.headers);
  return principal
    ? work({ id: principal.userId, name: principal.userDetails })
    : unauthenticated();
}

/** Like asCaller, with the JSON body read first (a 4xx when it is not one). */
export function withBody(
  request: HttpRequest,
  work: (caller: Caller, body: unknown) => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  return asCaller(request, async (caller) => {
    const body = await readJsonBody(request);
    return body.ok ? work(caller, body.value) : body.response;
  });
}
