import azureFunctions, {
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { messagesEndpoint } from '../http/endpoints.js';
import { respond } from '../http/respond.js';

export function messages(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, () => messagesEndpoint(request));
}

azureFunctions.app.http('messages', {
  route: 'messages',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: messages,
});
