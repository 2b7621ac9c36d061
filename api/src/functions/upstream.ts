import azureFunctions, {
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { respondWithPresenceFailures } from '../presence/failures.js';
import { upstreamEndpoint } from '../upstream/endpoint.js';

export function upstream(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respondWithPresenceFailures(context, () => upstreamEndpoint(request, context));
}

// Anonymous at the function level on purpose: the SignalR Service cannot sign in, so the
// endpoint checks the service's X-ASRS-Signature itself and answers 401 without it.
azureFunctions.app.http('upstream', {
  route: 'signalr/upstream/{hub}/{category}/{event}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: upstream,
});
