/** Why a conversation action was not done: the HTTP layer answers it as a JSON error. */
export interface Refusal {
  ok: false;
  status: 400 | 403 | 404 | 409 | 422;
  code: string;
  /** One sentence, safe to show to the person. */
  message: string;
  /** The input at fault, when one is. */
  field?: string;
  rule?: string;
}

export function refuse(
  status: Refusal['status'],
  code: string,
  message: string,
  fault?: { field: string; rule?: string },
): Refusal {
  return { ok: false, status, code, message, ...fault };
}

/** A 422 naming the field and the rule it breaks. */
export const invalidField = (field: string, rule: string, message: string): Refusal =>
  refuse(422, 'invalid_request', message, { field, rule });

export const unknownPerson = (): Refusal =>
  refuse(404, 'unknown_person', 'Nobody with this id has signed in yet.', { field: 'userId' });
