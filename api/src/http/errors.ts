import type { HttpResponseInit } from '@azure/functions';
import type { Refusal } from '../conversations/refusal.js';

/** The one error shape of this API: `{ error: { code, message, field?, rule? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string; rule?: string };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: { field?: string; rule?: string; headers?: Record<string, string> } = {},
): HttpResponseInit {
  const body: ErrorBody = { error: { code, message } };
  if (extra.field !== undefined) body.error.field = extra.field;
  if (extra.rule !== undefined) body.error.rule = extra.rule;
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...extra.headers } };
}

export function jsonResponse(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store' } };
}

export const unauthenticated = (): HttpResponseInit =>
  errorResponse(401, 'unauthenticated', 'Sign in first: this endpoint needs a signed-in user.');

/** A conversation action that was refused, as the JSON error it is. */
export function refusalResponse(refusal: Refusal): HttpResponseInit {
  return errorResponse(refusal.status, refusal.code, refusal.message, {
    ...(refusal.field !== undefined ? { field: refusal.field } : {}),
    ...(refusal.rule !== undefined ? { rule: refusal.rule } : {}),
  });
}
