import azureFunctions, {
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { presenceEndpoint } from '../presence/endpoint.js';
import { respondWithPresenceFailures } from '../presence/failures.js';

export function presence(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respondWithPresenceFailures(context, () => presenceEndpoint(request));
}

azureFunctions.app.http('presence', {
  route: 'presence',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: presence,
});
