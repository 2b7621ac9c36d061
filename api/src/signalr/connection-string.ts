// Parses an Azure SignalR Service connection string, following the rules of the service's SDK:
// `;`-separated key=value pairs, case-insensitive keys, trimmed values, no duplicates.
// Error messages name the setting and the rule, never the key's value.

export const CONNECTION_STRING_SETTING = 'AzureSignalRConnectionString';

export interface SignalRConnection {
  /** Scheme, host and port of the service, without a trailing slash. */
  endpoint: string;
  /** Where clients connect (defaults to endpoint). */
  clientEndpoint: string;
  /** Where the REST API is called (defaults to endpoint). */
  serverEndpoint: string;
  accessKey: string;
}

export class ConnectionStringError extends Error {
  override name = 'ConnectionStringError';
}

const ENTRA_ID_AUTH_TYPES = new Set(['aad', 'azure', 'azure.msi', 'azure.app']);
const VERSION_PATTERN = /^1(\.[0-9]+)?$/;

export function parseConnectionString(
  value: string | undefined,
  setting: string = CONNECTION_STRING_SETTING,
): SignalRConnection {
  const fail = (rule: string): never => {
    throw new ConnectionStringError(`App setting ${setting} is invalid: ${rule}.`);
  };
  if (value === undefined || value.trim() === '') {
    throw new ConnectionStringError(
      `App setting ${setting} is missing: set it to the SignalR Service connection string ` +
        '(Endpoint=https://<name>.service.signalr.net;AccessKey=<key>;Version=1.0;).',
    );
  }

  const pairs = new Map<string, string>();
  for (const segment of value.split(';')) {
    if (segment.trim() === '') continue;
    const equals = segment.indexOf('=');
    if (equals <= 0) fail('every part must be key=value');
    const key = segment.slice(0, equals).trim().toLowerCase();
    if (key === '') fail('every part must be key=value');
    if (pairs.has(key)) fail(`the key ${key} appears more than once`);
    pairs.set(key, segment.slice(equals + 1).trim());
  }

  const authType = pairs.get('authtype');
  if (authType !== undefined) {
    if (ENTRA_ID_AUTH_TYPES.has(authType.toLowerCase())) {
      fail(
        `AuthType=${authType} (Microsoft Entra ID / managed identity) is not available to ` +
          'Static Web Apps managed functions; use a connection string with an AccessKey',
      );
    }
    fail(`unknown AuthType ${authType}; use a connection string with an AccessKey`);
  }

  const version = pairs.get('version');
  if (version !== undefined && !VERSION_PATTERN.test(version)) {
    fail('Version must be 1.0');
  }

  const accessKey = pairs.get('accesskey');
  if (!accessKey) fail('AccessKey is required');

  const port = pairs.get('port');
  let portNumber: number | undefined;
  if (port !== undefined) {
    portNumber = /^[0-9]{1,5}$/.test(port) ? Number(port) : NaN;
    if (!(portNumber >= 1 && portNumber <= 65535)) fail('Port must be a number from 1 to 65535');
  }

  const endpoint = parseEndpoint(pairs.get('endpoint'), 'Endpoint', fail, true, portNumber);
  return {
    endpoint,
    clientEndpoint: parseEndpoint(pairs.get('clientendpoint'), 'ClientEndpoint', fail) ?? endpoint,
    serverEndpoint: parseEndpoint(pairs.get('serverendpoint'), 'ServerEndpoint', fail) ?? endpoint,
    accessKey: accessKey as string,
  };
}

function parseEndpoint(
  value: string | undefined,
  name: string,
  fail: (rule: string) => never,
  required: true,
  port?: number,
): string;
function parseEndpoint(
  value: string | undefined,
  name: string,
  fail: (rule: string) => never,
): string | undefined;
function parseEndpoint(
  value: string | undefined,
  name: string,
  fail: (rule: string) => never,
  required = false,
  port?: number,
): string | undefined {
  if (value === undefined || value === '') {
    if (required) fail(`${name} is required`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`${name} must be an absolute http or https URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`${name} must be an absolute http or https URL`);
  }
  if (url.username || url.password || url.search || url.hash) {
    fail(`${name} must not contain credentials, a query or a fragment`);
  }
  if (port !== undefined) url.port = String(port);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
