import { HttpError } from '../http/respond.js';

/**
 * The data-plane REST API versions of the service's swagger (Azure/azure-signalr
 * `docs/swagger/`): 2022-06-01 has the sends, groups, existence checks and closes; 2023-07-01
 * adds `:generateToken` (and `:execute`); 2024-12-01 adds the paged group listing, `:invoke` and
 * the stream operations. Every operation of a version is in the later ones.
 */
export const API_VERSIONS = ['2022-06-01', '2023-07-01', '2024-12-01'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/**
 * `api-version` is required on `/api/hubs/...` (the swagger marks it so), must be one of the
 * versions above, and must be at least the version that introduced the operation.
 */
export function checkApiVersion(url: URL, since: ApiVersion, operation: string): ApiVersion {
  const value = url.searchParams.get('api-version');
  if (value === null || value === '') {
    throw new HttpError(
      400,
      `The api-version query parameter is required (one of ${API_VERSIONS.join(', ')}).`,
      {},
      'Error.Request.MissingApiVersion',
    );
  }
  const version = API_VERSIONS.find((known) => known === value);
  if (version === undefined) {
    throw new HttpError(
      400,
      `The api-version '${value.slice(0, 40)}' is not supported; use one of ${API_VERSIONS.join(', ')}.`,
      {},
      'Error.Request.UnsupportedApiVersion',
    );
  }
  // ISO dates compare as strings.
  if (version < since) {
    throw new HttpError(
      400,
      `The operation ${operation} needs api-version ${since} or later, not ${version}.`,
      {},
      'Error.Request.UnsupportedApiVersion',
    );
  }
  return version;
}
