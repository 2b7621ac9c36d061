// The failures the storage module reports. The HTTP layer maps each to one status:
// StorageValidationError -> 400, MessageIdConflictError -> 409, StorageUnavailableError -> 503.
// A missing or malformed connection string is the API's ConfigError (-> 500 naming the setting).
import { RestError } from '@azure/data-tables';

/** What the caller sent that storage cannot accept, named so a client can fix it. */
export type StorageField =
  | 'userId'
  | 'conversationId'
  | 'limit'
  | 'before'
  | 'after'
  | 'message'
  | 'person'
  | 'room'
  | 'ids';

export class StorageValidationError extends Error {
  override name = 'StorageValidationError';
  constructor(
    readonly field: StorageField,
    /** One line, safe to show to the client. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A message id already stored for another sender: nobody can overwrite or claim it. */
export class MessageIdConflictError extends Error {
  override name = 'MessageIdConflictError';
  constructor(readonly messageId: string) {
    super(`Message id ${messageId} is already used by another sender.`);
  }
}

/** Another room has this name already (names are unique ignoring case). */
export class RoomNameTakenError extends Error {
  override name = 'RoomNameTakenError';
  constructor(readonly roomName: string) {
    super(`A room named ${roomName} exists already.`);
  }
}

/**
 * Storage could not be used right now; nothing was (reliably) done, and trying again later can
 * succeed. `timeout`: no answer in time; `unreachable`: no connection; `busy`: the service
 * answered 408/429/5xx; `rejected`: the service refused our credentials (401/403).
 */
export type StorageFailure = 'timeout' | 'unreachable' | 'busy' | 'rejected';

export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
  constructor(
    readonly failure: StorageFailure,
    readonly operation: string,
    /** The service's HTTP status when it answered. */
    readonly status?: number,
  ) {
    super(`Storage ${operation} failed (${failure}${status === undefined ? '' : ` ${status}`}).`);
  }
}

/** The HTTP status of a service answer, or undefined when the error is not one. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/**
 * Turns SDK errors that mean "storage is not usable now" into StorageUnavailableError and
 * returns anything else unchanged (a 404 or 409 the caller handles, or a bug that should surface).
 * The SDK's messages may quote request URLs, never the key, but we still keep them out of ours.
 */
export function classifyStorageError(error: unknown, operation: string): unknown {
  if (error instanceof StorageUnavailableError) return error;
  if (error instanceof RestError) {
    const status = error.statusCode;
    if (status === undefined) return new StorageUnavailableError('unreachable', operation);
    if (status === 401 || status === 403) {
      return new StorageUnavailableError('rejected', operation, status);
    }
    if (status === 408 || status === 429 || status >= 500) {
      return new StorageUnavailableError('busy', operation, status);
    }
    return error;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new StorageUnavailableError('timeout', operation);
  }
  // Node's fetch reports refused/reset connections as TypeError('fetch failed').
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    return new StorageUnavailableError('unreachable', operation);
  }
  return error;
}
