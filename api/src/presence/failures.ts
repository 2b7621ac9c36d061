// Presence and upstream failures are answered like the chat's (respond), in words about presence:
// the chat's own wording talks about sending messages.
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { respond, type FailureWording } from '../http/respond.js';

const PRESENCE_FAILURES: FailureWording = {
  signalR: 'The real-time service failed. Try again.',
  storage: 'Presence storage is unavailable. Try again.',
};

export function respondWithPresenceFailures(
  context: InvocationContext,
  endpoint: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  return respond(context, endpoint, PRESENCE_FAILURES);
}
