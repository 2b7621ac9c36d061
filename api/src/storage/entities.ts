// How a ChatMessage and a person look as table rows, and the checks that keep rows within
// Table storage's limits (64 KiB per string property, 1 MiB per entity).
import { legacyConversationId, parseConversationId } from '../conversations/conversation-id.js';
import {
  isPlausibleUserId,
  MAX_EMOJI_LENGTH,
  MAX_MENTIONS,
  MAX_MESSAGE_LENGTH,
  MAX_QUOTE_LENGTH,
  MAX_REACTION_KINDS,
  MAX_REACTORS_LISTED,
  type ChatMessage,
  type Mention,
  type Reaction,
  type ReplyQuote,
} from '../shared/chat-message.js';
import { StorageValidationError } from './errors.js';
import { MAX_MS, UUID_PATTERN, type Position } from './keys.js';

/** Names come from identity providers; this bound is far above real names, far below limits. */
export const MAX_NAME_LENGTH = 512;

/** The message's properties as stored (keys are added per row). */
export interface MessageProperties {
  messageId: string;
  text: string;
  senderId: string;
  senderName: string;
  conversationId: string;
  recipientId?: string;
  recipientName?: string;
  isPrivate: boolean;
  sentAt: string;
  /** Changes so far (absent: 0). */
  version?: number;
  /** When the last change was made (ms): the position of its change-feed row. */
  changedMs?: number;
  editedAt?: string;
  deleted?: boolean;
  /** JSON of the ReplyQuote. */
  replyTo?: string;
  /** JSON of the Mention[]. */
  mentions?: string;
  /** `|id1|id2|`: what unread counts select to find the reader's mentions cheaply. */
  mentionIds?: string;
  /** JSON of the Reaction[] summary. */
  reactions?: string;
}

/** A message as stored: its state and, once changed, when it last changed. */
export interface StoredMessage {
  message: ChatMessage;
  changedMs?: number;
}

/**
 * The longest JSON kept in one string property: Table storage allows 32 K UTF-16 units (64 KiB)
 * per string; this leaves room.
 */
export const MAX_JSON_LENGTH = 30_000;

function reject(reason: string): never {
  throw new StorageValidationError('message', reason);
}

function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > MAX_NAME_LENGTH) {
    reject(`${what} must be a string of at most ${MAX_NAME_LENGTH} characters.`);
  }
  return value;
}

/**
 * Checks what storage relies on (the HTTP layer has validated the client's input already):
 * a canonical UUID id (the keys invert it), plausible user ids, a consistent private flag, a
 * sentAt that is a real instant, and text within bounds. Returns the message's position.
 */
export function checkMessage(message: ChatMessage): Position {
  if (typeof message.id !== 'string' || !UUID_PATTERN.test(message.id)) {
    reject('id must be a lower-case UUID.');
  }
  if (typeof message.text !== 'string' || message.text.length > MAX_MESSAGE_LENGTH * 2) {
    reject(`text must be a string of at most ${MAX_MESSAGE_LENGTH} characters.`);
  }
  if (typeof message.sender?.id !== 'string' || !isPlausibleUserId(message.sender.id)) {
    reject('sender.id must be a user id.');
  }
  checkName(message.sender.name, 'sender.name');
  if (typeof message.conversationId !== 'string' || !parseConversationId(message.conversationId)) {
    reject('conversationId must be a conversation id.');
  }
  if (message.isPrivate !== (message.recipient !== undefined)) {
    reject('a message is private exactly when it has a recipient.');
  }
  if (message.recipient !== undefined) {
    if (typeof message.recipient.id !== 'string' || !isPlausibleUserId(message.recipient.id)) {
      reject('recipient.id must be a user id.');
    }
    if (message.recipient.name !== undefined) checkName(message.recipient.name, 'recipient.name');
  }
  const ms = typeof message.sentAt === 'string' ? Date.parse(message.sentAt) : NaN;
  if (!(ms >= 0 && ms <= MAX_MS)) reject('sentAt must be an ISO 8601 instant.');
  checkState(message);
  return { ms, id: message.id };
}

const isPerson = (value: unknown): value is { id: string; name: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'string' &&
  isPlausibleUserId((value as { id: string }).id) &&
  typeof (value as { name?: unknown }).name === 'string' &&
  (value as { name: string }).name.length <= MAX_NAME_LENGTH;

/** What changes may add to a message: bounded so every row stays within Table limits. */
function checkState(message: ChatMessage): void {
  const { version, editedAt, deleted, replyTo, mentions, reactions } = message;
  if (version !== undefined && !(Number.isInteger(version) && version >= 0)) {
    reject('version must be a whole number.');
  }
  if (editedAt !== undefined && !Number.isFinite(Date.parse(editedAt))) {
    reject('editedAt must be an ISO 8601 instant.');
  }
  if (deleted !== undefined && deleted !== true) reject('deleted must be true or absent.');
  if (replyTo !== undefined) {
    if (
      typeof replyTo?.id !== 'string' ||
      !UUID_PATTERN.test(replyTo.id) ||
      !isPerson(replyTo.sender) ||
      typeof replyTo.quote !== 'string' ||
      replyTo.quote.length > MAX_QUOTE_LENGTH * 2 ||
      (replyTo.deleted !== undefined && replyTo.deleted !== true)
    ) {
      reject('replyTo must be a quote of a message.');
    }
  }
  if (mentions !== undefined) {
    if (!Array.isArray(mentions) || mentions.length > MAX_MENTIONS || !mentions.every(isPerson)) {
      reject(`mentions must be at most ${MAX_MENTIONS} people.`);
    }
  }
  if (reactions !== undefined) {
    const valid =
      Array.isArray(reactions) &&
      reactions.length <= MAX_REACTION_KINDS &&
      reactions.every(
        (r) =>
          typeof r?.emoji === 'string' &&
          r.emoji.length > 0 &&
          r.emoji.length <= MAX_EMOJI_LENGTH &&
          Number.isInteger(r.count) &&
          r.count >= 1 &&
          Array.isArray(r.people) &&
          r.people.length <= Math.min(r.count, MAX_REACTORS_LISTED) &&
          r.people.every(isPerson),
      );
    if (!valid) reject(`reactions must be at most ${MAX_REACTION_KINDS} emoji with their people.`);
  }
}

/**
 * Lists fewer people per emoji (never fewer counts) until the summary fits one string property:
 * 20 emoji × 25 people with long names would not.
 */
export function fitReactions(reactions: Reaction[]): Reaction[] {
  for (let listed = MAX_REACTORS_LISTED; ; listed -= 1) {
    const fitted = reactions.map((r) => ({ ...r, people: r.people.slice(0, listed) }));
    if (listed === 0 || JSON.stringify(fitted).length <= MAX_JSON_LENGTH) return fitted;
  }
}

/**
 * The state a change may store: identity fields from the stored message, a deleted message
 * without text, mentions, quote or reactions (so no row can keep them), empty lists dropped.
 */
export function normalizeChange(current: ChatMessage, next: ChatMessage): ChatMessage {
  const message: ChatMessage = {
    id: current.id,
    text: next.deleted ? '' : next.text,
    sender: current.sender,
    conversationId: current.conversationId,
    isPrivate: current.isPrivate,
    sentAt: current.sentAt,
  };
  if (current.recipient) message.recipient = current.recipient;
  if (next.editedAt !== undefined) message.editedAt = next.editedAt;
  if (next.deleted) {
    message.deleted = true;
    return message;
  }
  if (next.replyTo) message.replyTo = next.replyTo;
  if (next.mentions && next.mentions.length > 0) message.mentions = next.mentions;
  if (next.reactions && next.reactions.length > 0) message.reactions = fitReactions(next.reactions);
  return message;
}

/** True when two states are the same apart from their version. */
export function sameState(a: ChatMessage, b: ChatMessage): boolean {
  const { version: _a, ...restA } = a;
  const { version: _b, ...restB } = b;
  return JSON.stringify(toProperties(restA)) === JSON.stringify(toProperties(restB));
}

export function toProperties(message: ChatMessage, changedMs?: number): MessageProperties {
  const properties: MessageProperties = {
    messageId: message.id,
    // A deleted message's text is never written, whoever built the message.
    text: message.deleted ? '' : message.text,
    senderId: message.sender.id,
    senderName: message.sender.name,
    conversationId: message.conversationId,
    isPrivate: message.isPrivate,
    sentAt: message.sentAt,
  };
  if (message.recipient) {
    properties.recipientId = message.recipient.id;
    if (message.recipient.name !== undefined) properties.recipientName = message.recipient.name;
  }
  if (message.version) properties.version = message.version;
  if (changedMs !== undefined) properties.changedMs = changedMs;
  if (message.editedAt !== undefined) properties.editedAt = message.editedAt;
  if (message.deleted) {
    properties.deleted = true;
    return properties;
  }
  if (message.replyTo) properties.replyTo = JSON.stringify(message.replyTo);
  if (message.mentions && message.mentions.length > 0) {
    properties.mentions = JSON.stringify(message.mentions);
    properties.mentionIds = `|${message.mentions.map((m) => m.id).join('|')}|`;
  }
  if (message.reactions && message.reactions.length > 0) {
    properties.reactions = JSON.stringify(message.reactions);
  }
  return properties;
}

/** The `mentionIds` value that includes `userId` contains this. */
export const mentionMark = (userId: string): string => `|${userId}|`;

function readJson<T>(entity: Record<string, unknown>, name: string): T | undefined {
  const value = entity[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`Stored row has a malformed ${name}.`);
  return JSON.parse(value) as T;
}

function read(entity: Record<string, unknown>, name: string): string {
  const value = entity[name];
  // Rows are only ever written by this module; anything else is corruption worth a loud error.
  if (typeof value !== 'string') throw new Error(`Stored row lacks the string property ${name}.`);
  return value;
}

/**
 * A stored message. Rows written before conversations existed have no `conversationId`: they
 * belong to #general, or (private ones) to the direct conversation of their two people.
 */
export function fromEntity(entity: Record<string, unknown>): ChatMessage {
  const senderId = read(entity, 'senderId');
  const recipientId = typeof entity.recipientId === 'string' ? entity.recipientId : undefined;
  const isPrivate = entity.isPrivate === true;
  const message: ChatMessage = {
    id: read(entity, 'messageId'),
    text: read(entity, 'text'),
    sender: { id: senderId, name: read(entity, 'senderName') },
    conversationId:
      typeof entity.conversationId === 'string'
        ? entity.conversationId
        : legacyConversationId(senderId, isPrivate ? recipientId : undefined),
    isPrivate,
    sentAt: read(entity, 'sentAt'),
  };
  if (recipientId !== undefined) {
    message.recipient = { id: recipientId };
    if (typeof entity.recipientName === 'string') message.recipient.name = entity.recipientName;
  }
  if (typeof entity.version === 'number' && entity.version > 0) message.version = entity.version;
  if (typeof entity.editedAt === 'string') message.editedAt = entity.editedAt;
  if (entity.deleted === true) {
    message.deleted = true;
    return message;
  }
  const replyTo = readJson<ReplyQuote>(entity, 'replyTo');
  if (replyTo) message.replyTo = replyTo;
  const mentions = readJson<Mention[]>(entity, 'mentions');
  if (mentions && mentions.length > 0) message.mentions = mentions;
  const reactions = readJson<Reaction[]>(entity, 'reactions');
  if (reactions && reactions.length > 0) message.reactions = reactions;
  return message;
}

/** A stored message with the time of its last change (claims, timeline and feed rows). */
export function storedFromEntity(entity: Record<string, unknown>): StoredMessage {
  const stored: StoredMessage = { message: fromEntity(entity) };
  if (typeof entity.changedMs === 'number') stored.changedMs = entity.changedMs;
  return stored;
}

/** The version a row holds (absent: 0). */
export function versionOf(entity: Record<string, unknown>): number {
  return typeof entity.version === 'number' ? entity.version : 0;
}

export function positionOf(message: ChatMessage): Position {
  return { ms: Date.parse(message.sentAt), id: message.id };
}

/** A person who has signed in, as the directory keeps them. */
export interface Person {
  id: string;
  name: string;
  /** The identity provider, e.g. `github` or `aad`. */
  provider: string;
  /** ISO 8601: when they last negotiated a connection. */
  lastSeen: string;
}

/** Accepts `lastSeen` as a Date or an ISO string and stores it as an ISO string. */
export function checkPerson(
  person: Omit<Person, 'lastSeen'> & { lastSeen: Date | string },
): Person {
  const fail = (reason: string): never => {
    throw new StorageValidationError('person', reason);
  };
  if (typeof person.id !== 'string' || !isPlausibleUserId(person.id)) fail('id must be a user id.');
  if (typeof person.name !== 'string' || person.name.length > MAX_NAME_LENGTH) {
    fail(`name must be a string of at most ${MAX_NAME_LENGTH} characters.`);
  }
  if (typeof person.provider !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(person.provider)) {
    fail('provider must be a provider name.');
  }
  const ms =
    person.lastSeen instanceof Date ? person.lastSeen.getTime() : Date.parse(person.lastSeen);
  if (!Number.isFinite(ms)) fail('lastSeen must be a date.');
  return {
    id: person.id,
    name: person.name,
    provider: person.provider,
    lastSeen: new Date(ms).toISOString(),
  };
}

export function personFromEntity(entity: Record<string, unknown>): Person {
  return {
    id: read(entity, 'userId'),
    name: read(entity, 'name'),
    provider: read(entity, 'provider'),
    lastSeen: read(entity, 'lastSeen'),
  };
}
