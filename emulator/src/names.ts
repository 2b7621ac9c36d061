import { HttpError } from './http/respond.js';

/** Hub (and application) names as the service documents them: a letter, then letters, digits, _. */
const HUB_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const MAX_NAME_LENGTH = 1024;

export function checkHubName(hub: string | null | undefined, kind = 'hub name'): string {
  if (!hub) throw new HttpError(400, `A ${kind} is required.`);
  if (!HUB_NAME.test(hub)) {
    throw new HttpError(
      400,
      `Invalid ${kind} '${hub.slice(0, 140)}': it must start with a letter and contain only letters, digits and underscores (at most 128 characters).`,
    );
  }
  return hub;
}

/** User ids, group names and connection ids: non-empty, bounded, no control characters. */
export function checkName(kind: 'user id' | 'group name' | 'connection id', value: string): string {
  if (value === '') throw new HttpError(400, `Invalid ${kind}: it must not be empty.`);
  if (value.length > MAX_NAME_LENGTH) {
    throw new HttpError(400, `Invalid ${kind}: it must be at most ${MAX_NAME_LENGTH} characters.`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new HttpError(400, `Invalid ${kind}: it must not contain control characters.`);
  }
  return value;
}
