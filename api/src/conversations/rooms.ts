// Rooms: creating them, the directory, joining, adding people, leaving. Who may do which is
// access.ts's decision; this module carries it out in storage, in the service's groups, and in
// events to the people concerned.
import { randomUUID } from 'node:crypto';
import { checkUserText, isPlausibleUserId } from '../shared/chat-message.js';
import {
  CONVERSATION_REMOVED_EVENT,
  CONVERSATION_UPDATED_EVENT,
  GENERAL_ROOM_ID,
  GENERAL_ROOM_NAME,
  MAX_ROOM_NAME_LENGTH,
  MAX_ROOM_TOPIC_LENGTH,
  type ConversationRemoved,
  type CreateRoomRequest,
  type PersonSummary,
  type RoomSummary,
} from '../shared/conversation.js';
import {
  RoomNameTakenError,
  type ChatStorage,
  type ConversationLabel,
  type Room,
} from '../storage/index.js';
import { decideAccess } from './access.js';
import { roomGroup, type ConversationHub } from './delivery.js';
import { invalidField, refuse, unknownPerson, type Refusal } from './refusal.js';
import { positionOfMessage, summarize, type SummaryOptions } from './summaries.js';

export interface RoomDependencies {
  store: ChatStorage;
  hub: ConversationHub;
  summaries: SummaryOptions;
}

export interface Person {
  id: string;
  name: string;
}

const RULE_WORDING: Record<string, string> = {
  required: 'is required',
  type: 'must be a string',
  'min-length': 'must not be empty',
  'control-characters': 'must be one line without control characters',
  'well-formed': 'must be well-formed Unicode',
};

/** The body of POST /api/rooms, normalized (trimmed, empty topic dropped), or what is wrong. */
export function validateCreateRoom(
  body: unknown,
): { ok: true; value: CreateRoomRequest } | Refusal {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(400, 'invalid_body', 'The body must be a JSON object.', {
      field: 'body',
      rule: 'object',
    });
  }
  const { name, topic, visibility } = body as Record<string, unknown>;
  const checkedName = checkUserText(name, MAX_ROOM_NAME_LENGTH, { singleLine: true });
  if (!checkedName.ok) {
    const wording =
      checkedName.rule === 'max-length'
        ? `must be at most ${MAX_ROOM_NAME_LENGTH} characters`
        : RULE_WORDING[checkedName.rule];
    return invalidField('name', checkedName.rule, `\`name\` ${wording}.`);
  }
  const value: CreateRoomRequest = {
    name: checkedName.text.replace(/^#/, '') || checkedName.text,
    visibility: 'public',
  };
  if (topic !== undefined && topic !== null && topic !== '') {
    const checkedTopic = checkUserText(topic, MAX_ROOM_TOPIC_LENGTH, { singleLine: true });
    if (!checkedTopic.ok && checkedTopic.rule !== 'min-length') {
      const wording =
        checkedTopic.rule === 'max-length'
          ? `must be at most ${MAX_ROOM_TOPIC_LENGTH} characters`
          : RULE_WORDING[checkedTopic.rule];
      return invalidField('topic', checkedTopic.rule, `\`topic\` ${wording}.`);
    }
    if (checkedTopic.ok) value.topic = checkedTopic.text;
  }
  if (visibility !== 'public' && visibility !== 'private') {
    return invalidField(
      'visibility',
      visibility === undefined ? 'required' : 'format',
      '`visibility` must be "public" or "private".',
    );
  }
  value.visibility = visibility;
  return { ok: true, value };
}

/** How a room is labelled in its members' conversation lists. */
export function roomLabel(room: Room): ConversationLabel {
  const label: ConversationLabel = { kind: 'room', name: room.name, visibility: room.visibility };
  if (room.topic !== undefined) label.topic = room.topic;
  return label;
}

function roomSummary(room: Room, isMember: boolean): RoomSummary {
  const summary: RoomSummary = {
    id: room.id,
    name: room.name,
    visibility: room.visibility,
    memberCount: room.memberCount,
    isMember,
  };
  if (room.topic !== undefined) summary.topic = room.topic;
  return summary;
}

/** Tells every tab of the person how the conversation looks to them now. */
async function announce(deps: RoomDependencies, userId: string, conversationId: string) {
  const membership = await deps.store.memberships.getMembership(userId, conversationId);
  if (!membership) return;
  const summary = await summarize(deps.store, userId, membership, deps.summaries);
  await deps.hub.sendToUser(userId, CONVERSATION_UPDATED_EVENT, [summary]);
}

/**
 * Makes the person a member: the room's member row (the truth), their own conversation row (read
 * up to what is there), the service's group, and an event. Safe to repeat: each step is
 * idempotent, so repeating it completes a join that stopped half way.
 */
async function join(deps: RoomDependencies, room: Room, person: Person): Promise<void> {
  const { store } = deps;
  const at = deps.summaries.now();
  if (await store.memberships.addRoomMember(room.id, person, at)) {
    await store.rooms.changeMemberCount(room.id, +1);
  }
  const last = await store.readLastMessage(room.id);
  await store.memberships.putMembership(person.id, room.id, roomLabel(room), {
    at,
    ...(last ? { readPosition: positionOfMessage(last.message) } : {}),
  });
  await deps.hub.addUserToGroup(roomGroup(room.id), person.id);
  await announce(deps, person.id, room.id);
}

export async function createRoom(
  deps: RoomDependencies,
  caller: Person,
  body: unknown,
): Promise<{ ok: true; room: RoomSummary } | Refusal> {
  const validation = validateCreateRoom(body);
  if (!validation.ok) return validation;
  const request = validation.value;
  const taken = () =>
    refuse(409, 'name_taken', `A room named "${request.name}" exists already.`, {
      field: 'name',
      rule: 'unique',
    });
  if (request.name.normalize('NFKC').toLowerCase() === GENERAL_ROOM_NAME) return taken();
  let room: Room;
  try {
    room = await deps.store.rooms.createRoom({
      id: randomUUID(),
      name: request.name,
      ...(request.topic !== undefined ? { topic: request.topic } : {}),
      visibility: request.visibility,
      createdBy: caller.id,
      createdAt: deps.summaries.now().toISOString(),
    });
  } catch (error) {
    if (error instanceof RoomNameTakenError) return taken();
    throw error;
  }
  await join(deps, room, caller);
  return { ok: true, room: roomSummary({ ...room, memberCount: room.memberCount + 1 }, true) };
}

/** PUT /api/rooms/{roomId}/members/{userId}: join oneself, or add someone to a private room. */
export async function putMember(
  deps: RoomDependencies,
  caller: Person,
  roomId: string,
  userId: string,
): Promise<{ ok: true; room: RoomSummary } | Refusal> {
  if (!isPlausibleUserId(userId)) {
    return invalidField('userId', 'format', '`userId` must be a user id.');
  }
  if (roomId === GENERAL_ROOM_ID) {
    return refuse(400, 'general_is_everyone', 'Everyone is in #general already.');
  }
  const self = userId === caller.id;
  const access = await decideAccess(deps.store, caller.id, roomId, self ? 'read' : 'manage');
  if (!access.ok) return access;
  if (access.conversation.kind !== 'room') return refuse(400, 'not_a_room', 'This is not a room.');
  const { room } = access.conversation;

  let person: Person = caller;
  if (!self) {
    const found = await deps.store.getPerson(userId);
    if (!found) return unknownPerson();
    person = { id: found.id, name: found.name };
  }
  await join(deps, room, person);
  const fresh = (await deps.store.rooms.getRoom(room.id)) ?? room;
  return { ok: true, room: roomSummary(fresh, self || access.isMember) };
}

/** DELETE /api/rooms/{roomId}/members/{userId}: leave (oneself only). */
export async function removeMember(
  deps: RoomDependencies,
  caller: Person,
  roomId: string,
  userId: string,
): Promise<{ ok: true } | Refusal> {
  if (roomId === GENERAL_ROOM_ID) {
    return refuse(400, 'general_is_everyone', 'Nobody leaves #general.');
  }
  if (userId !== caller.id) {
    return refuse(403, 'forbidden', 'People leave rooms themselves.');
  }
  const access = await decideAccess(deps.store, caller.id, roomId, 'read');
  if (!access.ok) return access;
  const { store } = deps;
  if (await store.memberships.removeRoomMember(roomId, caller.id)) {
    await store.rooms.changeMemberCount(roomId, -1);
  }
  await store.memberships.removeMembership(caller.id, roomId);
  await deps.hub.removeUserFromGroup(roomGroup(roomId), caller.id);
  const removed: ConversationRemoved = { id: roomId };
  await deps.hub.sendToUser(caller.id, CONVERSATION_REMOVED_EVENT, [removed]);
  return { ok: true };
}

/** GET /api/rooms: #general, every public room, and the private rooms the caller is in. */
export async function roomDirectory(
  deps: RoomDependencies,
  callerId: string,
): Promise<RoomSummary[]> {
  const { store } = deps;
  const [publicRooms, memberships, everyone] = await Promise.all([
    store.rooms.listPublicRooms(),
    store.memberships.listMemberships(callerId),
    store.countPeople(),
  ]);
  const joined = new Set(memberships.map((m) => m.conversationId));
  const privateRooms = await Promise.all(
    memberships
      .filter((m) => m.kind === 'room' && m.visibility === 'private')
      .map((m) => store.rooms.getRoom(m.conversationId)),
  );
  const rooms = [
    ...publicRooms.map((room) => roomSummary(room, joined.has(room.id))),
    ...privateRooms
      .filter((room): room is Room => room !== undefined)
      .map((room) => roomSummary(room, true)),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const general: RoomSummary = {
    id: GENERAL_ROOM_ID,
    name: GENERAL_ROOM_NAME,
    visibility: 'public',
    memberCount: Math.max(everyone, 1),
    isMember: true,
  };
  return [general, ...rooms];
}

/** GET /api/rooms/{roomId}/members. */
export async function roomMembers(
  deps: RoomDependencies,
  callerId: string,
  roomId: string,
): Promise<{ ok: true; members: PersonSummary[] } | Refusal> {
  if (roomId === GENERAL_ROOM_ID) {
    return refuse(
      400,
      'general_is_everyone',
      'Everyone is in #general: find people with GET /api/people.',
    );
  }
  const access = await decideAccess(deps.store, callerId, roomId, 'read');
  if (!access.ok) return access;
  const members = await deps.store.memberships.listRoomMembers(roomId);
  return {
    ok: true,
    members: members
      .map(({ id, name }) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
