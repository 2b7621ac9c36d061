// What a conversation id says. Ids are opaque to clients but meaningful here:
// - `general`: the room everyone is in;
// - a lower-case UUID: a room created by someone;
// - `dm.<base64url(a)>.<base64url(b)>` with a <= b: the direct conversation of users a and b
//   (a = b for notes to oneself). Both people derive the same id, and who may read it follows
//   from the id alone, without a storage read.
import { isPlausibleUserId } from '../shared/chat-message.js';
import { GENERAL_ROOM_ID } from '../shared/conversation.js';

export type ConversationRef =
  { kind: 'room'; roomId: string } | { kind: 'direct'; people: readonly [string, string] };

const ROOM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIRECT_ID = /^dm\.([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{1,200})$/;

const encode = (userId: string): string => Buffer.from(userId, 'utf8').toString('base64url');

function decodeUserId(encoded: string): string | null {
  const userId = Buffer.from(encoded, 'base64url').toString('utf8');
  // Base64 decoding is lenient: only the canonical spelling of a plausible user id counts.
  return isPlausibleUserId(userId) && encode(userId) === encoded ? userId : null;
}

export function isRoomId(value: string): boolean {
  return value === GENERAL_ROOM_ID || ROOM_ID.test(value);
}

/** The one direct conversation of two people, whichever of them asks. */
export function directConversationId(userA: string, userB: string): string {
  const [first, second] = userA <= userB ? [userA, userB] : [userB, userA];
  return `dm.${encode(first)}.${encode(second)}`;
}

/** null when the value is not a conversation id (a 404 for routes, whatever it looks like). */
export function parseConversationId(value: string): ConversationRef | null {
  if (typeof value !== 'string') return null;
  if (isRoomId(value)) return { kind: 'room', roomId: value };
  const match = DIRECT_ID.exec(value);
  if (!match) return null;
  const first = decodeUserId(match[1] as string);
  const second = decodeUserId(match[2] as string);
  if (first === null || second === null || first > second) return null;
  return { kind: 'direct', people: [first, second] };
}

/** The other person of a direct conversation, from one of its people's point of view. */
export function partnerOf(people: readonly [string, string], userId: string): string {
  return people[0] === userId ? people[1] : people[0];
}

/**
 * Where a message stored before conversations existed belongs: public ones to #general, private
 * ones to the direct conversation of their sender and recipient.
 */
export function legacyConversationId(senderId: string, recipientId: string | undefined): string {
  return recipientId === undefined ? GENERAL_ROOM_ID : directConversationId(senderId, recipientId);
}
