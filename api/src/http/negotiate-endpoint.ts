import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { readClientPrincipal } from '../principal.js';
import { createClientAccess } from '../signalr/tokens.js';
import { jsonResponse, unauthenticated } from './errors.js';
import { getChatServices } from './services.js';
import { recordSignIn } from './sign-in-record.js';
import { chatStorage } from './storage-access.js';

/**
 * POST /api/negotiate: the SignalR URL and a token for the caller's own identity. The caller is
 * also written to the directory of people and put back in their rooms' groups, best effort (see
 * sign-in-record.ts).
 */
export async function negotiateEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const caller = readClientPrincipal(request.headers);
  if (!caller) return unauthenticated();
  const { config, hub } = getChatServices();
  await recordSignIn(() => chatStorage(), hub, caller, context);
  const access = createClientAccess(
    config.signalR,
    config.hubName,
    { userId: caller.userId, name: caller.userDetails },
    config.tokenLifetimeSeconds,
  );
  return jsonResponse(200, access);
}
