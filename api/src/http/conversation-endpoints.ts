// The conversation routes other than messages: the caller's list, read positions, mute, rooms,
// direct conversations and the directory of people. Each is a few lines over conversations/.
import type { HttpRequest } from '@azure/functions';
import { openDirectConversation } from '../conversations/direct.js';
import { markRead, setMuted } from '../conversations/read-state.js';
import type { Refusal } from '../conversations/refusal.js';
import {
  createRoom,
  putMember,
  removeMember,
  roomDirectory,
  roomMembers,
} from '../conversations/rooms.js';
import { listConversations } from '../conversations/summaries.js';
import type {
  ConversationList,
  MemberList,
  PeopleList,
  RoomDirectory,
} from '../shared/conversation.js';
import { asCaller, withBody } from './caller.js';
import { errorResponse, jsonResponse, refusalResponse } from './errors.js';
import { getConversationServices } from './services.js';

type Outcome<T> = ({ ok: true } & T) | Refusal;

function answer<T>(outcome: Outcome<T>, status: number, pick: (value: T) => unknown) {
  return outcome.ok ? jsonResponse(status, pick(outcome)) : refusalResponse(outcome);
}

const param = (request: HttpRequest, name: string): string => request.params[name] ?? '';

/** GET /api/conversations */
export const conversationsEndpoint = (request: HttpRequest) =>
  asCaller(request, async (caller) => {
    const { store, summaries } = getConversationServices();
    const body: ConversationList = {
      conversations: await listConversations(store, caller.id, summaries),
    };
    return jsonResponse(200, body);
  });

/** PUT /api/conversations/{id}/read */
export const readPositionEndpoint = (request: HttpRequest) =>
  withBody(request, async (caller, body) => {
    const outcome = await markRead(getConversationServices(), caller, param(request, 'id'), body);
    return answer(outcome, 200, (value) => value.conversation);
  });

/** PUT /api/conversations/{id}/mute */
export const muteEndpoint = (request: HttpRequest) =>
  withBody(request, async (caller, body) => {
    const outcome = await setMuted(getConversationServices(), caller, param(request, 'id'), body);
    return answer(outcome, 200, (value) => value.conversation);
  });

/** GET /api/rooms: the directory. */
export const roomDirectoryEndpoint = (request: HttpRequest) =>
  asCaller(request, async (caller) => {
    const body: RoomDirectory = {
      rooms: await roomDirectory(getConversationServices(), caller.id),
    };
    return jsonResponse(200, body);
  });

/** POST /api/rooms */
export const createRoomEndpoint = (request: HttpRequest) =>
  withBody(request, async (caller, body) => {
    const outcome = await createRoom(getConversationServices(), caller, body);
    return answer(outcome, 201, (value) => value.room);
  });

/** GET /api/rooms/{roomId}/members */
export const roomMembersEndpoint = (request: HttpRequest) =>
  asCaller(request, async (caller) => {
    const outcome = await roomMembers(
      getConversationServices(),
      caller.id,
      param(request, 'roomId'),
    );
    return answer(outcome, 200, (value): MemberList => ({ members: value.members }));
  });

/** PUT and DELETE /api/rooms/{roomId}/members/{userId} */
export const roomMemberEndpoint = (request: HttpRequest) =>
  asCaller(request, async (caller) => {
    const services = getConversationServices();
    const roomId = param(request, 'roomId');
    const userId = param(request, 'userId');
    if (request.method === 'DELETE') {
      const outcome = await removeMember(services, caller, roomId, userId);
      return outcome.ok ? { status: 204 } : refusalResponse(outcome);
    }
    const outcome = await putMember(services, caller, roomId, userId);
    return answer(outcome, 200, (value) => value.room);
  });

/** POST /api/direct/{userId} */
export const directEndpoint = (request: HttpRequest) =>
  asCaller(request, async (caller) => {
    const outcome = await openDirectConversation(
      getConversationServices(),
      caller,
      param(request, 'userId'),
    );
    return answer(outcome, 200, (value) => value.conversation);
  });

const MAX_QUERY_LENGTH = 100;

/** GET /api/people?q=<start of a name> */
export const peopleEndpoint = (request: HttpRequest) =>
  asCaller(request, async () => {
    const all = request.query.getAll('q');
    const q = (all[0] ?? '').trim();
    if (all.length > 1 || q.length > MAX_QUERY_LENGTH) {
      return errorResponse(
        400,
        'invalid_query',
        `\`q\` must be given at most once, with at most ${MAX_QUERY_LENGTH} characters.`,
        { field: 'q' },
      );
    }
    const body: PeopleList = { people: await getConversationServices().store.findPeople(q) };
    return jsonResponse(200, body);
  });
