import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { jsonResponse, unauthenticated } from '../http/errors.js';
import { readClientPrincipal } from '../principal.js';
import type { PresenceList } from '../shared/chat-message.js';
import { getPresenceServices } from './services.js';

/** GET /api/presence: everyone online now (signed-in callers only). */
export async function presenceEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  if (!readClientPrincipal(request.headers)) return unauthenticated();
  const { presence } = getPresenceServices();
  const body: PresenceList = { people: await presence.list() };
  return jsonResponse(200, body);
}
