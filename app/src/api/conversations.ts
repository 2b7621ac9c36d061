import type {
  ConversationSummary,
  CreateRoomRequest,
  PersonSummary,
  RoomSummary,
} from '@chat/conversation';
import {
  isConversationSummary,
  isPersonSummary,
  isRoomSummary,
  toConversationList,
} from './conversation-guard.js';
import { getJson } from './get-json.js';
import { conversationPath } from './messages.js';
import { sendJson, unexpectedAnswer } from './send-json.js';

// The conversation routes of the API (see api/README.md). Each rejects with an ApiError.

export const LIST_TIMEOUT_MS = 15_000;

const roomPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;
const memberPath = (roomId: string, userId: string) =>
  `${roomPath(roomId)}/members/${encodeURIComponent(userId)}`;

/** GET /api/conversations: the caller's conversations. */
export async function fetchConversations(fetchFn: typeof fetch): Promise<ConversationSummary[]> {
  const { status, body } = await getJson('/api/conversations', fetchFn, {
    timeoutMs: LIST_TIMEOUT_MS,
    what: 'The conversation list',
  });
  const list = toConversationList(body);
  if (!list) throw unexpectedAnswer(status, 'The conversation list');
  return list.conversations;
}

/** GET /api/rooms: the room directory. */
export async function fetchRoomDirectory(fetchFn: typeof fetch): Promise<RoomSummary[]> {
  const { status, body } = await getJson('/api/rooms', fetchFn, {
    timeoutMs: LIST_TIMEOUT_MS,
    what: 'The room directory',
  });
  const rooms = (body as { rooms?: unknown } | null)?.rooms;
  if (!Array.isArray(rooms)) throw unexpectedAnswer(status, 'The room directory');
  return rooms.filter(isRoomSummary);
}

/** GET /api/people?q=: people whose name starts with `prefix`. */
export async function searchPeople(
  prefix: string,
  fetchFn: typeof fetch,
): Promise<PersonSummary[]> {
  const { status, body } = await getJson(`/api/people?q=${encodeURIComponent(prefix)}`, fetchFn, {
    timeoutMs: LIST_TIMEOUT_MS,
    what: 'The list of people',
  });
  const people = (body as { people?: unknown } | null)?.people;
  if (!Array.isArray(people)) throw unexpectedAnswer(status, 'The list of people');
  return people.filter(isPersonSummary);
}

/** GET /api/rooms/{roomId}/members: the people in a room (not for #general). */
export async function fetchRoomMembers(
  roomId: string,
  fetchFn: typeof fetch,
): Promise<PersonSummary[]> {
  const { status, body } = await getJson(`${roomPath(roomId)}/members`, fetchFn, {
    timeoutMs: LIST_TIMEOUT_MS,
    what: 'The list of members',
  });
  const members = (body as { members?: unknown } | null)?.members;
  if (!Array.isArray(members)) throw unexpectedAnswer(status, 'The list of members');
  return members.filter(isPersonSummary);
}

async function roomAnswer(
  request: Promise<{ status: number; body: unknown }>,
): Promise<RoomSummary> {
  const { status, body } = await request;
  if (!isRoomSummary(body)) throw unexpectedAnswer(status, 'The room');
  return body;
}

async function summaryAnswer(
  request: Promise<{ status: number; body: unknown }>,
): Promise<ConversationSummary> {
  const { status, body } = await request;
  if (!isConversationSummary(body)) throw unexpectedAnswer(status, 'The conversation');
  return body;
}

/** POST /api/rooms: 201 and the room (409 `name_taken` when the name is in use). */
export function createRoom(request: CreateRoomRequest, fetchFn: typeof fetch) {
  return roomAnswer(sendJson('POST', '/api/rooms', request, fetchFn));
}

/** PUT /api/rooms/{roomId}/members/{userId}: join (oneself) or add someone (private rooms). */
export function addRoomMember(roomId: string, userId: string, fetchFn: typeof fetch) {
  return roomAnswer(sendJson('PUT', memberPath(roomId, userId), undefined, fetchFn));
}

/** DELETE /api/rooms/{roomId}/members/{userId}: leave (oneself). */
export async function leaveRoom(roomId: string, userId: string, fetchFn: typeof fetch) {
  await sendJson('DELETE', memberPath(roomId, userId), undefined, fetchFn);
}

/** POST /api/direct/{userId}: the direct conversation with that person (oneself: notes). */
export function openDirect(userId: string, fetchFn: typeof fetch) {
  return summaryAnswer(
    sendJson('POST', `/api/direct/${encodeURIComponent(userId)}`, undefined, fetchFn),
  );
}

/** PUT /api/conversations/{id}/read: the read position moves forward to `upTo`. */
export function markRead(conversationId: string, upTo: string, fetchFn: typeof fetch) {
  return summaryAnswer(
    sendJson('PUT', `${conversationPath(conversationId)}/read`, { upTo }, fetchFn),
  );
}

/** PUT /api/conversations/{id}/mute. */
export function setMuted(conversationId: string, muted: boolean, fetchFn: typeof fetch) {
  return summaryAnswer(
    sendJson('PUT', `${conversationPath(conversationId)}/mute`, { muted }, fetchFn),
  );
}

/** The summary a room in the list starts with until the API's own event replaces it. */
export function roomConversation(room: RoomSummary): ConversationSummary {
  return {
    id: room.id,
    kind: 'room',
    name: room.name,
    ...(room.topic === undefined ? {} : { topic: room.topic }),
    visibility: room.visibility,
    unread: 0,
  };
}
