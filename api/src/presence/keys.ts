// Keys of the ChatPresence table: one row per live connection. A user's rows share one of a
// fixed number of partitions (a hash of the user id) and a row-key prefix, so "this user's
// connections" is one bounded range query and the whole list is a scan of a small table.
import { createHash } from 'node:crypto';

export const PRESENCE_TABLE = 'ChatPresence';
export const PRESENCE_PARTITIONS = 16;

const encode = (value: string): string => Buffer.from(value, 'utf8').toString('base64url');

/** `p00`..`p15`, from the user id alone, so every instance puts a user in the same place. */
export function presencePartition(userId: string): string {
  const bucket =
    (createHash('sha256').update(userId, 'utf8').digest()[0] ?? 0) % PRESENCE_PARTITIONS;
  return `p${String(bucket).padStart(2, '0')}`;
}

// '.' is outside the base64url alphabet, so it separates the user from the connection, and
// '/' (the next character) ends the user's range.
export function userRowPrefix(userId: string): { from: string; to: string } {
  const user = encode(userId);
  return { from: `${user}.`, to: `${user}/` };
}

export function connectionRowKey(userId: string, connectionId: string): string {
  return `${userRowPrefix(userId).from}${encode(connectionId)}`;
}
