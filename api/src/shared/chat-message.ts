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
  /**
   * How many times the message changed since it was sent (edit, delete, reactions, its quote):
   * absent means 0. A client holding the message keeps whichever copy has the higher version,
   * so late or repeated events never undo a newer state.
   */
  version?: number;
  /** ISO 8601: when the sender last changed the text. */
  editedAt?: string;
  /**
   * Present (true) once the sender deleted it: `text` is then '' and it has no mentions, reply
   * or reactions; show "This message was deleted".
   */
  deleted?: true;
  /** The message this one answers, as it is now (same conversation). */
  replyTo?: ReplyQuote;
  /** The people it mentions (`@name` in the text), by user id: names are not unique. */
  mentions?: Mention[];
  /** Each emoji reacted with, oldest first; absent when there is none. */
  reactions?: Reaction[];
}

/** The longest quote of a replied-to message, in code points. */
export const MAX_QUOTE_LENGTH = 100;
/** At most this many people mentioned in one message. */
export const MAX_MENTIONS = 20;
/** At most this many different emoji on one message. */
export const MAX_REACTION_KINDS = 20;
/** A Reaction lists at most this many of its people (its count is exact). */
export const MAX_REACTORS_LISTED = 25;

export interface ReplyQuote {
  id: string;
  sender: { id: string; name: string };
  /** The start of the original's text (at most MAX_QUOTE_LENGTH code points); '' once deleted. */
  quote: string;
  /** Present (true) once the original was deleted. */
  deleted?: true;
}

export interface Mention {
  id: string;
  name: string;
}

export interface Reaction {
  /** One emoji (a single grapheme, e.g. "👍", "❤️", "👍🏽", "🇫🇷"). */
  emoji: string;
  /** Exactly how many people reacted with it. */
  count: number;
  /** Who, first reactor first: at most MAX_REACTORS_LISTED of them. */
  people: { id: string; name: string }[];
}

/**
 * Pushed to everyone who may read the conversation whenever a message changes (edit, delete, a
 * reaction, its reply quote): the one argument is the whole ChatMessage as it is now.
 */
export const MESSAGE_CHANGED_EVENT = 'messageChanged';

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
  /** More newer messages or changes existed: keep asking with `after: newerCursor` until false. */
  hasNewer: boolean;
  /**
   * Catch-up pages (`after`, `since`) only: messages older than this page's that changed since
   * the cursor was made, each as it is now, in the order they changed. Apply them to the
   * messages one holds (by id and version); ignore ones not held.
   */
  changed?: ChatMessage[];
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
  /** The id of the message this one answers: a message of the same conversation. */
  replyTo?: string;
  /**
   * User ids of the people mentioned (at most MAX_MENTIONS): each must be able to read the
   * conversation (for rooms: its members). The text says `@name` for each.
   */
  mentions?: string[];
}

/** The body of PATCH /api/conversations/{id}/messages/{messageId} (the sender only). */
export interface EditMessageRequest {
  text: string;
  /** The mentions of the new text; absent keeps the message's mentions. */
  mentions?: string[];
}

export type SendMessageField = 'body' | 'text' | 'recipient' | 'id' | 'replyTo' | 'mentions';

export type SendMessageRule =
  | 'object' // the body must be a JSON object
  | 'type' // the field has the wrong JSON type
  | 'required' // the field is missing
  | 'min-length' // empty (after trimming)
  | 'max-length' // too long
  | 'control-characters' // control characters other than newline and tab
  | 'well-formed' // lone UTF-16 surrogates
  | 'format' // not a plausible user id / not a UUID
  | 'not-found' // replyTo: no such message in this conversation
  | 'not-member' // mentions: someone who cannot read this conversation
  | 'too-many'; // emoji: the message has MAX_REACTION_KINDS other emoji already

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

function checkId(value: unknown, field: 'id' | 'replyTo'): ValidationProblem | string {
  if (typeof value !== 'string') return { field, rule: 'type' };
  if (!UUID_PATTERN.test(value)) return { field, rule: 'format' };
  return value.toLowerCase();
}

/** Mentioned user ids: an array of plausible ids, duplicates collapsed, at most MAX_MENTIONS. */
function checkMentions(value: unknown): ValidationProblem | string[] {
  if (!Array.isArray(value)) return { field: 'mentions', rule: 'type' };
  const ids = new Set<string>();
  for (const id of value) {
    if (typeof id !== 'string') return { field: 'mentions', rule: 'type' };
    if (!isPlausibleUserId(id)) return { field: 'mentions', rule: 'format' };
    ids.add(id);
    if (ids.size > MAX_MENTIONS) return { field: 'mentions', rule: 'max-length' };
  }
  return [...ids];
}

/** True for strings shaped like the ids the API gives messages (UUIDs). */
export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * Validates a parsed POST /api/messages body. Returns the normalized request (text trimmed,
 * ids lower-cased, mentions without duplicates) or every problem found, each naming the field
 * and the rule it breaks. Whether `replyTo` exists and the mentioned people may read the
 * conversation is for the API to check (rules `not-found`, `not-member`).
 */
export function validateSendMessageRequest(body: unknown): SendMessageValidation {
  if (!isPlainObject(body)) return { ok: false, problems: [{ field: 'body', rule: 'object' }] };

  const problems: ValidationProblem[] = [];
  const value: SendMessageRequest = { text: '' };

  const text = checkText(body.text);
  if (typeof text === 'string') value.text = text;
  else problems.push(text);

  const { recipient, id, replyTo, mentions } = body;
  if (recipient !== undefined) {
    if (typeof recipient !== 'string') problems.push({ field: 'recipient', rule: 'type' });
    else if (!isPlausibleUserId(recipient)) problems.push({ field: 'recipient', rule: 'format' });
    else value.recipient = recipient;
  }
  if (id !== undefined) {
    const checked = checkId(id, 'id');
    if (typeof checked === 'string') value.id = checked;
    else problems.push(checked);
  }
  if (replyTo !== undefined) {
    const checked = checkId(replyTo, 'replyTo');
    if (typeof checked === 'string') value.replyTo = checked;
    else problems.push(checked);
  }
  if (mentions !== undefined) {
    const checked = checkMentions(mentions);
    if (Array.isArray(checked)) value.mentions = checked;
    else problems.push(checked);
  }

  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

export type EditMessageValidation =
  { ok: true; value: EditMessageRequest } | { ok: false; problems: ValidationProblem[] };

/** Validates a parsed PATCH body: the same rules as sending for `text` and `mentions`. */
export function validateEditMessageRequest(body: unknown): EditMessageValidation {
  if (!isPlainObject(body)) return { ok: false, problems: [{ field: 'body', rule: 'object' }] };
  const problems: ValidationProblem[] = [];
  const value: EditMessageRequest = { text: '' };
  const text = checkText(body.text);
  if (typeof text === 'string') value.text = text;
  else problems.push(text);
  if (body.mentions !== undefined) {
    const checked = checkMentions(body.mentions);
    if (Array.isArray(checked)) value.mentions = checked;
    else problems.push(checked);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The first MAX_QUOTE_LENGTH code points of a text: what a reply quotes. */
export function quoteOf(text: string): string {
  let quote = '';
  let count = 0;
  for (const codePoint of text) {
    if (count === MAX_QUOTE_LENGTH) break;
    quote += codePoint;
    count += 1;
  }
  return quote;
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

// ---- Reactions (issue 10) ----

/** The longest emoji accepted, in UTF-16 code units (long ZWJ families and tag flags fit). */
export const MAX_EMOJI_LENGTH = 32;

// Built at run time: the `v` flag (Unicode sets) is newer than the TypeScript target, and a
// browser without it must still load this module (it then accepts single pictographs only).
const RGI_EMOJI = ((): RegExp | undefined => {
  try {
    return new RegExp('^\\p{RGI_Emoji}$', 'v');
  } catch {
    return undefined;
  }
})();
// Emoji typed without their presentation selector (e.g. "❤" for "❤️") are common and harmless.
const PICTOGRAPHIC = /^\p{Extended_Pictographic}\uFE0F?$/u;

/** True when `value` is exactly one emoji, as people type and pick them. */
export function isSingleEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_EMOJI_LENGTH) {
    return false;
  }
  return RGI_EMOJI?.test(value) === true || PICTOGRAPHIC.test(value);
}
