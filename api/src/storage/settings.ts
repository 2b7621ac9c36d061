// The one app setting storage needs. Static Web Apps reserves AzureWebJobsStorage for the
// platform, so the chat reads a setting of its own. Read at call time (like the other settings)
// so a bad value becomes a clear error naming the setting instead of a worker that cannot load.
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { ConfigError } from '../config.js';

export const STORAGE_CONNECTION_SETTING = 'ChatStorageConnectionString';

export interface StorageSettings {
  connectionString: string;
  /** True only for an http:// endpoint on this machine (Azurite); Azure itself is https only. */
  allowInsecureConnection: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function invalid(reason: string): ConfigError {
  return new ConfigError(
    STORAGE_CONNECTION_SETTING,
    `App setting ${STORAGE_CONNECTION_SETTING} is invalid: ${reason}`,
  );
}

/** Parses `key=value;...` (keys case-insensitive). Values may contain `=` (base64 keys do). */
function parsePairs(value: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) throw invalid('expected key=value pairs separated by ";".');
    const key = part.slice(0, at).trim().toLowerCase();
    if (pairs.has(key)) throw invalid(`the key ${part.slice(0, at).trim()} appears twice.`);
    pairs.set(key, part.slice(at + 1).trim());
  }
  return pairs;
}

function tableEndpointOf(pairs: Map<string, string>): URL {
  const explicit = pairs.get('tableendpoint');
  if (explicit !== undefined) {
    try {
      return new URL(explicit);
    } catch {
      throw invalid('TableEndpoint is not an absolute URL.');
    }
  }
  const account = pairs.get('accountname');
  const protocol = (pairs.get('defaultendpointsprotocol') ?? 'https').toLowerCase();
  const suffix = pairs.get('endpointsuffix') ?? 'core.windows.net';
  if (!account) throw invalid('it needs AccountName (or a TableEndpoint).');
  try {
    return new URL(`${protocol}://${account}.table.${suffix}`);
  } catch {
    throw invalid('AccountName, DefaultEndpointsProtocol or EndpointSuffix is malformed.');
  }
}

/**
 * Reads and checks ChatStorageConnectionString. Throws ConfigError naming the setting (and never
 * quoting its value, which holds a key) when it is missing or malformed.
 */
export function readStorageSettings(
  env: Record<string, string | undefined> = process.env,
): StorageSettings {
  const connectionString = env[STORAGE_CONNECTION_SETTING]?.trim();
  if (!connectionString) {
    throw new ConfigError(
      STORAGE_CONNECTION_SETTING,
      `App setting ${STORAGE_CONNECTION_SETTING} is missing: set it to the storage account's ` +
        'connection string (locally UseDevelopmentStorage=true, for Azurite).',
    );
  }

  if (lastValid?.connectionString === connectionString) return lastValid;
  lastValid = checkConnectionString(connectionString);
  return lastValid;
}

// Settings are read on every invocation; the checks (and the SDK's parse) run once per value.
let lastValid: StorageSettings | undefined;

function checkConnectionString(connectionString: string): StorageSettings {
  const pairs = parsePairs(connectionString);
  let allowInsecureConnection = false;
  if (pairs.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    // The SDK maps this to Azurite's well-known account on http://127.0.0.1:10002.
    allowInsecureConnection = true;
  } else {
    const hasKey = Boolean(pairs.get('accountkey'));
    const hasSas = Boolean(pairs.get('sharedaccesssignature'));
    if (!hasKey && !hasSas) throw invalid('it needs AccountKey or SharedAccessSignature.');
    if (hasKey && !pairs.get('accountname')) throw invalid('AccountKey needs AccountName.');
    const endpoint = tableEndpointOf(pairs);
    if (endpoint.protocol === 'http:') {
      if (!LOOPBACK_HOSTS.has(endpoint.hostname)) {
        throw invalid('a plain http:// table endpoint is allowed only on this machine (Azurite).');
      }
      allowInsecureConnection = true;
    } else if (endpoint.protocol !== 'https:') {
      throw invalid('the table endpoint must be https:// (or http:// for a local Azurite).');
    }
  }

  // Last word to the SDK, which knows every form it accepts.
  try {
    TableClient.fromConnectionString(connectionString, 'probe', { allowInsecureConnection });
  } catch {
    throw invalid('the Azure SDK cannot read it (copy it again from the storage account).');
  }
  return { connectionString, allowInsecureConnection };
}

/** The SDK options every table client of this module uses. */
export function clientOptions(
  settings: StorageSettings,
  retry: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number },
): TableServiceClientOptions {
  return { allowInsecureConnection: settings.allowInsecureConnection, retryOptions: retry };
}
