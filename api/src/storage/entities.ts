// How a ChatMessage and a person look as table rows, and the checks that keep rows within
// Table storage's limits (64 KiB per string property, 1 MiB per entity).
import { legacyConversationId, parseConversationId } from '../conversations/conversation-id.js';
import { isPlausibleUserId, MAX_MESSAGE_LENGTH, type ChatMessage } from '../shared/chat-message.js';
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
}

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
  return { ms, id: message.id };
}

export function toProperties(message: ChatMessage): MessageProperties {
  const properties: MessageProperties = {
    messageId: message.id,
    text: message.text,
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
  return properties;
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
  return message;
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
