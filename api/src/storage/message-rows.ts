// The rows a message is stored in, built from its state. Every builder goes through
// toProperties, which never writes a deleted message's text, mentions, quote or reactions.
import type { TableEntity } from '@azure/data-tables';
import type { ChatMessage } from '../shared/chat-message.js';
import { positionOf, toProperties, type StoredMessage } from './entities.js';
import {
  claimPartition,
  feedKey,
  LAST_MESSAGE_ROW,
  markerKey,
  newestFirstKey,
  oldestFirstKey,
  replyKey,
  timelinePartition,
} from './keys.js';

export type Row = TableEntity<Record<string, unknown>>;

/** A message's two rows in its conversation's partition, one for each reading direction. */
export function timelineRows(message: ChatMessage, changedMs?: number): Row[] {
  const partitionKey = timelinePartition(message.conversationId);
  const position = positionOf(message);
  const properties = toProperties(message, changedMs);
  return [
    { partitionKey, rowKey: newestFirstKey(position), ...properties },
    { partitionKey, rowKey: oldestFirstKey(position), ...properties },
  ];
}

/** The partition's "last message" row (what conversation lists and unread counts read). */
export function lastMessageRow(message: ChatMessage, changedMs?: number): Row {
  const partitionKey = timelinePartition(message.conversationId);
  return { partitionKey, rowKey: LAST_MESSAGE_ROW, ...toProperties(message, changedMs) };
}

/** The index row of a reply (no text): what listReplies reads. */
export function replyRow(message: ChatMessage): Row | undefined {
  if (!message.replyTo) return undefined;
  return {
    partitionKey: timelinePartition(message.conversationId),
    rowKey: replyKey(message.replyTo.id, message.id),
    messageId: message.id,
  };
}

/** A message's live change-feed row: its whole current state, at its last change's position. */
export function feedRow(stored: StoredMessage & { changedMs: number }): Row {
  const { message, changedMs } = stored;
  return {
    partitionKey: timelinePartition(message.conversationId),
    rowKey: feedKey({ ms: changedMs, id: message.id }),
    ...toProperties(message, changedMs),
  };
}

/** A feed row the message has moved on from: it keeps its key and nothing of the message. */
export function feedStub(message: ChatMessage, changedMs: number): Row {
  return {
    partitionKey: timelinePartition(message.conversationId),
    rowKey: feedKey({ ms: changedMs, id: message.id }),
    messageId: message.id,
    stub: true,
  };
}

/** The claim on a message's id (its current state: the truth). */
export function claimRow(message: ChatMessage, changedMs?: number): Row {
  return {
    partitionKey: claimPartition(message.id),
    rowKey: message.id,
    ...toProperties(message, changedMs),
  };
}

/** A marker for a write in progress (a save or a change), in the claim's partition. */
export function markerRow(messageId: string, startedMs: number): Row {
  return {
    partitionKey: claimPartition(messageId),
    rowKey: markerKey(startedMs, messageId),
    messageId,
  };
}

/** The claim on a message's id and its save marker: same partition, one transaction. */
export function claimRows(message: ChatMessage, startedMs: number): { claim: Row; marker: Row } {
  return { claim: claimRow(message), marker: markerRow(message.id, startedMs) };
}
