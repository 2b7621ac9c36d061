// Presence and upstream failures that are not the caller's fault, answered in the API's one
// error shape. The chat's respond() covers settings and the unexpected; this adds storage and
// words the SignalR failure for these endpoints (its own message talks about sending messages).
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { errorResponse } from '../http/errors.js';
import { respond } from '../http/respond.js';
import { SignalRError, statusForSignalRError } from '../signalr/rest-client.js';
import { StorageUnavailableError } from '../storage/errors.js';

export function respondWithPresenceFailures(
  context: InvocationContext,
  endpoint: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    try {
      return await endpoint();
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        context.warn(`Presence storage failed: ${error.message}`);
        return errorResponse(
          503,
          'storage_unavailable',
          'Presence storage is unavailable. Try again.',
        );
      }
      if (error instanceof SignalRError) {
        context.warn(`SignalR call failed: ${error.message}`);
        const status = statusForSignalRError(error);
        return errorResponse(
          status,
          status === 503 ? 'signalr_unavailable' : 'signalr_failed',
          'The real-time service failed. Try again.',
        );
      }
      throw error;
    }
  });
}
