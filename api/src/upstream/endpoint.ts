// POST /api/signalr/upstream/{hub}/{category}/{event}: the target of the SignalR Service's
// upstream URL template. Anonymous to the host (the service cannot sign in to Static Web
// Apps) but accepted only with the service's signature over the connection id.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { errorResponse } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import { decideAccess } from '../conversations/access.js';
import { getChatServices, getConversationServices } from '../http/services.js';
import { getPresenceServices, type PresenceServices } from '../presence/services.js';
import { relayTyping } from '../presence/typing.js';
import { TYPING_INVOCATION } from '../shared/chat-message.js';
import { CONNECTION_ID_HEADER, parseUpstreamEvent, type UpstreamEvent } from './event.js';
import { isValidUpstreamSignature, SIGNATURE_HEADER } from './signature.js';

/** 200 with no body: for an invocation with an id, the service completes it without a result. */
const done = (): HttpResponseInit => ({ status: 200, headers: { 'cache-control': 'no-store' } });

export async function upstreamEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  // The signature first, with only the chat's settings: an unsigned caller learns nothing
  // (not even whether storage is configured) and changes nothing.
  const { config } = getChatServices();
  const signed = isValidUpstreamSignature(
    request.headers.get(SIGNATURE_HEADER),
    request.headers.get(CONNECTION_ID_HEADER),
    [config.signalR.accessKey],
  );
  if (!signed) {
    return errorResponse(
      401,
      'invalid_signature',
      'X-ASRS-Signature is missing or does not match.',
    );
  }
  const { hub = '', category = '', event = '' } = request.params;
  if (hub.toLowerCase() !== config.hubName) {
    return errorResponse(404, 'unknown_hub', `This API serves the hub "${config.hubName}" only.`);
  }

  const services = getPresenceServices();
  const body = await readBody(request, category);
  if (!body.ok) return body.response;
  const parsed = parseUpstreamEvent(category, event, request.headers, body.value);
  if (!parsed.ok) return errorResponse(400, 'invalid_event', parsed.reason);
  return handle(parsed.event, services, context);
}

type BodyResult = { ok: true; value: unknown } | { ok: false; response: HttpResponseInit };

// Invocations need their JSON body. Connection events are fully described by the headers;
// their body only adds the disconnect error, so a body that cannot be read is ignored there.
async function readBody(request: HttpRequest, category: string): Promise<BodyResult> {
  if (category.toLowerCase() === 'messages') return readJsonBody(request);
  const type = request.headers.get('content-type')?.toLowerCase() ?? '';
  if (!type.startsWith('application/json')) return { ok: true, value: undefined };
  const body = await readJsonBody(request);
  return body.ok ? body : { ok: true, value: undefined };
}

async function handle(
  event: UpstreamEvent,
  { chat, presence, typingLimiter }: PresenceServices,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  switch (event.kind) {
    case 'connected': {
      const { user, connectionId } = event.connection;
      // Anonymous connections are nobody to show; our tokens always name a user.
      if (user) await presence.connected(connectionId, user);
      return done();
    }
    case 'disconnected': {
      const { user, connectionId } = event.connection;
      if (event.error)
        context.log(`Connection ${connectionId} ended with an error: ${event.error}`);
      if (user) await presence.disconnected(connectionId, user.id);
      return done();
    }
    case 'invocation': {
      const { user, connectionId } = event.connection;
      if (event.target !== TYPING_INVOCATION.toLowerCase()) {
        // A 404 turns the client's invoke() into an error completion instead of a silent null.
        return errorResponse(404, 'unknown_method', `The hub has no method "${event.target}".`);
      }
      if (!user)
        return errorResponse(403, 'anonymous_connection', 'Typing needs a signed-in user.');
      const outcome = await relayTyping(
        {
          hub: chat.hub,
          typistConnections: () => typistConnections(presence, user.id, context),
          allow: (userId) => typingLimiter.take(userId).then((decision) => decision.allowed),
          mayPost: async (conversationId) => {
            const { store } = getConversationServices();
            const access = await decideAccess(store, user.id, conversationId, 'post');
            return access.ok;
          },
        },
        { connectionId, user },
        event.arguments,
      );
      return outcome.kind === 'invalid'
        ? errorResponse(400, 'invalid_request', outcome.reason, { field: 'arguments' })
        : done();
    }
    case 'unknown':
      // Future connection events: acknowledged, so the service does not log failures for them.
      return done();
  }
}

// Typing is a hint: if storage is down, excluding only the sending connection is good enough.
async function typistConnections(
  presence: PresenceServices['presence'],
  userId: string,
  context: InvocationContext,
): Promise<readonly string[]> {
  try {
    return await presence.connectionsOf(userId);
  } catch (error) {
    context.warn(
      `Presence lookup for typing failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [];
  }
}
