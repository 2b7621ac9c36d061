import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ConfigError } from '../config.js';
import { SignalRError, statusForSignalRError } from '../signalr/rest-client.js';
import { StorageUnavailableError } from '../storage/index.js';
import { errorResponse } from './errors.js';

/** What a person is told when a service behind an endpoint fails: each endpoint words its own. */
export interface FailureWording {
  signalR: string;
  storage: string;
}

const MESSAGE_FAILURES: FailureWording = {
  signalR: 'The message was not sent: the real-time service failed. Try again.',
  storage: 'Message storage is unavailable right now. Try again.',
};

/** For the conversation routes: every step of theirs can be repeated, so trying again is safe. */
export const CONVERSATION_FAILURES: FailureWording = {
  signalR: 'The real-time service failed, so this could not be completed. Try again.',
  storage: 'Storage is unavailable right now, so this could not be completed. Try again.',
};

/**
 * Runs an endpoint and turns the failures that are not the client's fault into the API's JSON
 * errors: bad settings (500, naming the setting), the SignalR Service failing (502/503), storage
 * unavailable (503), and anything unexpected (500, details only in the log).
 */
export async function respond(
  context: InvocationContext,
  endpoint: () => Promise<HttpResponseInit>,
  wording: FailureWording = MESSAGE_FAILURES,
): Promise<HttpResponseInit> {
  try {
    return await endpoint();
  } catch (error) {
    if (error instanceof ConfigError) {
      context.error(error.message);
      return errorResponse(500, 'server_misconfigured', error.message);
    }
    if (error instanceof SignalRError) {
      context.warn(`SignalR call failed: ${error.message}`);
      const status = statusForSignalRError(error);
      return errorResponse(
        status,
        status === 503 ? 'signalr_unavailable' : 'signalr_failed',
        wording.signalR,
      );
    }
    if (error instanceof StorageUnavailableError) {
      context.warn(`Storage failed: ${error.message}`);
      return errorResponse(503, 'storage_unavailable', wording.storage);
    }
    context.error('Unexpected failure', error);
    return errorResponse(500, 'internal_error', 'Something went wrong on our side.');
  }
}
