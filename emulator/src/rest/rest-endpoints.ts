import type { IncomingMessage, ServerResponse } from 'node:http';
import { TokenError, authorizeRest, unauthorized } from '../auth/access.js';
import type { EmulatorContext } from '../context.js';
import { HttpError, sendEmpty, sendJson } from '../http/respond.js';
import { checkHubName } from '../names.js';
import { checkApiVersion } from './api-versions.js';
import { operations } from './operations.js';
import { matchRoute } from './routes.js';

function decodeSegments(pathname: string): string[] {
  try {
    return pathname
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpError(400, 'The request path is not valid percent-encoding.');
  }
}

/** The data-plane REST API under `/api/`: routing, bearer auth, then one operation. */
export async function handleRest(
  context: EmulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const method = request.method ?? 'GET';
  const segments = decodeSegments(url.pathname.replace(/\/$/, ''));
  if (segments.length === 2 && segments[1]?.toLowerCase() === 'health') {
    if (method !== 'HEAD' && method !== 'GET')
      throw new HttpError(405, 'Health accepts HEAD and GET.', { Allow: 'HEAD, GET' });
    sendEmpty(response, 200);
    return;
  }
  if (segments.length === 3 && segments.slice(1).join('/').toLowerCase() === 'auth/accesskey') {
    throw new HttpError(
      501,
      'GET /api/auth/accessKey (dynamic access keys for Entra ID) is not implemented by the emulator: sign with its access key.',
    );
  }
  const match = matchRoute(method, segments);
  if (match.kind === 'not-found')
    throw new HttpError(404, `No REST API operation at ${url.pathname}.`);
  if (match.kind === 'method-not-allowed') {
    throw new HttpError(405, `Method ${method} is not allowed at ${url.pathname}.`, {
      Allow: match.allow.join(', '),
    });
  }
  try {
    authorizeRest(request, url, context.options.accessKey, context.port(), context.options.clock());
  } catch (error) {
    if (error instanceof TokenError) throw unauthorized(error);
    throw error;
  }
  if (match.since !== 'v1') checkApiVersion(url, match.since, `${method} ${url.pathname}`);
  // The service's `application` parameter prefixes the hub: clients then use `<app>_<hub>`.
  const application = url.searchParams.get('application');
  const hub =
    application === null
      ? checkHubName(match.params.hub)
      : `${checkHubName(application, 'application name')}_${checkHubName(match.params.hub)}`;
  const result = await operations[match.operation]({
    request,
    url,
    hub,
    params: match.params,
    lifetime: context.lifetime,
    options: context.options,
    port: context.port(),
  });
  if (result.status >= 400) {
    throw new HttpError(result.status, result.message ?? 'Request failed.', {}, result.errorCode);
  }
  if (result.body !== undefined) sendJson(response, result.status, result.body);
  else sendEmpty(response, result.status);
}
