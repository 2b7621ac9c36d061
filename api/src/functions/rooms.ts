import azureFunctions, { type HttpHandler } from '@azure/functions';
import {
  createRoomEndpoint,
  directEndpoint,
  peopleEndpoint,
  roomDirectoryEndpoint,
  roomMemberEndpoint,
  roomMembersEndpoint,
} from '../http/conversation-endpoints.js';
import { CONVERSATION_FAILURES, respond } from '../http/respond.js';

/** GET: the room directory; POST: create a room. */
export const rooms: HttpHandler = (request, context) =>
  respond(
    context,
    () => (request.method === 'GET' ? roomDirectoryEndpoint(request) : createRoomEndpoint(request)),
    CONVERSATION_FAILURES,
  );

export const roomMembers: HttpHandler = (request, context) =>
  respond(context, () => roomMembersEndpoint(request), CONVERSATION_FAILURES);

/** PUT: join or add; DELETE: leave. */
export const roomMember: HttpHandler = (request, context) =>
  respond(context, () => roomMemberEndpoint(request), CONVERSATION_FAILURES);

export const direct: HttpHandler = (request, context) =>
  respond(context, () => directEndpoint(request), CONVERSATION_FAILURES);

export const people: HttpHandler = (request, context) =>
  respond(context, () => peopleEndpoint(request), CONVERSATION_FAILURES);

const { app } = azureFunctions;
app.http('rooms', {
  route: 'rooms',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: rooms,
});
app.http('roomMembers', {
  route: 'rooms/{roomId}/members',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: roomMembers,
});
app.http('roomMember', {
  route: 'rooms/{roomId}/members/{userId}',
  methods: ['PUT', 'DELETE'],
  authLevel: 'anonymous',
  handler: roomMember,
});
app.http('direct', {
  route: 'direct/{userId}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: direct,
});
app.http('people', { route: 'people', methods: ['GET'], authLevel: 'anonymous', handler: people });
