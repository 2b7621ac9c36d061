// The one definition of a chat message, shared by the API and the React app.
// It must stay free of imports: the app bundles this exact file through an alias.

/** The longest message text, counted in Unicode code points after trimming. */
export const MAX_MESSAGE_LENGTH = 2000;

/** The SignalR client event that carries a ChatMessage as its one argument. */
export const NEW_MESSAGE_EVENT = 'newMessage';

export interface ChatMessage {
  id: string;
  text: string;
  sender: { id: string; name: string };
  /** The conversation it belongs to: `general`, a room id or a direct conversation id. */
  conversationId: string;
  /** Present only on direct messages: the other person (the sender too, for notes to oneself). */
  recipient?: { id: string; name?: string };
  /** True for direct messages (the seed's "private" messages). */
  isPrivate: boolean;
  /** ISO 8601, set by the API when it accepts the message. */
  sentAt: string;
}

/**
 * The 202 body of POST /api/messages: the message as stored. `delivered: false` (present only
 * then) means it is stored but the live push failed: it reaches everyone through catch-up, so
 * clients show it as sent.
 */
export type AcceptedMessage = ChatMessage & { delivered?: false };

/** The body of GET /api/conversations/{id}/messages (and GET /api/messages, #general): one page. */
export interface MessagePage {
  /** Oldest first. */
  messages: ChatMessage[];
  /** Pass as `before` for the page just older; absent when there is nothing older. */
  olderCursor?: string;
  /** Pass as `after` for the page just newer (catch-up). */
  newerCursor?: string;
  /** More newer messages existed: keep asking with `after: newerCursor` until false. */
  hasNewer: boolean;
}

/**
 * The body of POST /api/conversations/{id}/messages (without `recipient`) and of the seed's
 * POST /api/messages. Anything else in the body (e.g. a sender) is ignored.
 */
export interface SendMessageRequest {
  text: string;
  /** POST /api/messages only: a user id, meaning the direct conversation with that person. */
  recipient?: string;
  /** A UUID chosen by the client, so a retried send is recognisable as the same message. */
  id?: string;
}

export type SendMessageField = 'body' | 'text' | 'recipient' | 'id';

export type SendMessageRule =
  | 'object' // the body must be a JSON object
  | 'type' // the field has the wrong JSON type
  | 'required' // the field is missing
  | 'min-length' // empty (after trimming)
  | 'max-length' // too long
  | 'control-characters' // control characters other than newline and tab
  | 'well-formed' // lone UTF-16 surrogates
  | 'format'; // not a plausible user id / not a UUID

export interface ValidationProblem {
  field: SendMessageField;
  rule: SendMessageRule;
}

export type SendMessageValidation =
  { ok: true; value: SendMessageRequest } | { ok: false; problems: ValidationProblem[] };

// SWA user ids are opaque provider ids (hex strings, numbers, emails for some providers);
// this accepts those and rejects anything that could not be one (spaces, markup, huge strings).
const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@|:+-]{0,127}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// C0 controls except tab (U+0009) and newline (U+000A), DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True for strings that could be a Static Web Apps user id (used for recipients). */
export function isPlausibleUserId(value: string): boolean {
  return USER_ID_PATTERN.test(value);
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Tab and newline too: names and topics are one line.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_LINE = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Checks text a person typed (a message, a room name): the trimmed text, or the rule it breaks.
 * Lengths are counted in code points, as people count characters.
 */
export function checkUserText(
  value: unknown,
  maxLength: number,
  options: { singleLine?: boolean } = {},
): { ok: true; text: string } | { ok: false; rule: SendMessageRule } {
  if (value === undefined) return { ok: false, rule: 'required' };
  if (typeof value !== 'string') return { ok: false, rule: 'type' };
  const text = value.trim();
  if (text.length === 0) return { ok: false, rule: 'min-length' };
  // Cheap bound first so a huge string is never iterated code point by code point.
  if (text.length > maxLength * 2 || codePointLength(text) > maxLength) {
    return { ok: false, rule: 'max-length' };
  }
  if ((options.singleLine ? FORBIDDEN_IN_LINE : FORBIDDEN_CONTROL).test(text)) {
    return { ok: false, rule: 'control-characters' };
  }
  if (LONE_SURROGATE.test(text)) return { ok: false, rule: 'well-formed' };
  return { ok: true, text };
}

function checkText(value: unknown): ValidationProblem | string {
  const checked = checkUserText(value, MAX_MESSAGE_LENGTH);
  return checked.ok ? checked.text : { field: 'text', rule: checked.rule };
}

/**
 * Validates a parsed POST /api/messages body. Returns the normalized request (text trimmed,
 * id lower-cased) or every problem found, each naming the field and the rule it breaks.
 */
export function validateSendMessageRequest(body: unknown): SendMessageValidation {
  if (!isPlainObject(body)) return { ok: false, problems: [{ field: 'body', rule: 'object' }] };

  const problems: ValidationProblem[] = [];
  const value: SendMessageRequest = { text: '' };

  const text = checkText(body.text);
  if (typeof text === 'string') value.text = text;
  else problems.push(text);

  const { recipient, id } = body;
  if (recipient !== undefined) {
    if (typeof recipient !== 'string') problems.push({ field: 'recipient', rule: 'type' });
    else if (!isPlausibleUserId(recipient)) problems.push({ field: 'recipient', rule: 'format' });
    else value.recipient = recipient;
  }
  if (id !== undefined) {
    if (typeof id !== 'string') problems.push({ field: 'id', rule: 'type' });
    else if (!UUID_PATTERN.test(id)) problems.push({ field: 'id', rule: 'format' });
    else value.id = id.toLowerCase();
  }

  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

// ---- Presence and typing (issue 6): events pushed by the API, the invocation clients send ----

/** Pushed to everyone when a person's first connection arrives; argument: OnlinePerson. */
export const USER_JOINED_EVENT = 'userJoined';
/** Pushed to everyone when a person's last connection ends; argument: UserLeft. */
export const USER_LEFT_EVENT = 'userLeft';
/** Pushed to the others in the conversation while someone types; argument: TypingNotice. */
export const TYPING_EVENT = 'typing';
/** The hub method a client invokes (`connection.send`) while composing; argument: TypingRequest. */
export const TYPING_INVOCATION = 'typing';
/** Clients send at most one typing invocation per this many milliseconds. */
export const TYPING_THROTTLE_MS = 3000;

/** Someone with at least one live connection. */
export interface OnlinePerson {
  id: string;
  name: string;
  /** ISO 8601: when the oldest of their current connections arrived. */
  since: string;
}

export interface UserLeft {
  id: string;
}

/** The body of GET /api/presence. */
export interface PresenceList {
  people: OnlinePerson[];
}

/** The one argument of the `typing` invocation. */
export interface TypingRequest {
  /** The conversation being written in; absent means #general (or `recipient`'s direct one). */
  conversationId?: string;
  /** The seed's form: the user id of the private partner being written to. */
  recipient?: string;
}

/** Pushed to the people who can read the conversation, the typist's own connections included. */
export interface TypingNotice {
  user: { id: string; name: string };
  conversationId: string;
  /** Present when the typist writes in a direct conversation: the partner. */
  recipient?: string;
}
