import azureFunctions, {
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { messagesEndpoint, timelineEndpoint } from '../http/message-endpoints.js';
import { respond } from '../http/respond.js';

/** GET: the caller's timeline, one page; POST: send a message. */
export function messages(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, () =>
    request.method === 'GET' ? timelineEndpoint(request) : messagesEndpoint(request, context),
  );
}

azureFunctions.app.http('messages', {
  route: 'messages',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: messages,
});
