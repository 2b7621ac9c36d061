import azureFunctions, {
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { negotiateEndpoint } from '../http/negotiate-endpoint.js';
import { respond } from '../http/respond.js';

export function negotiate(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, () => negotiateEndpoint(request, context));
}

azureFunctions.app.http('negotiate', {
  route: 'negotiate',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: negotiate,
});
