// Relays a client's `typing` invocation to the others in the same conversation: the room
// (everyone but the typist's own connections) or, for a private draft, only the recipient.
// The typist's identity comes from the signed upstream request, never from the arguments.
import { isPlausibleUserId, TYPING_EVENT, type TypingNotice } from '../shared/chat-message.js';

export interface TypingHub {
  sendToAll(target: string, args: unknown[], excluded?: readonly string[]): Promise<void>;
  sendToUser(userId: string, target: string, args: unknown[]): Promise<void>;
}

export interface Typist {
  connectionId: string;
  user: { id: string; name: string };
}

export type TypingOutcome =
  { kind: 'relayed' } | { kind: 'dropped' } | { kind: 'invalid'; reason: string };

export interface TypingDependencies {
  hub: TypingHub;
  /** The typist's connections (all their tabs), as presence knows them. */
  typistConnections: () => Promise<readonly string[]>;
  /** False when this person sent too many typing invocations lately. */
  allow: (userId: string) => Promise<boolean>;
}

/** The recipient named by the invocation's arguments: null for the room. */
export function readTypingRecipient(args: readonly unknown[]): string | null | { invalid: string } {
  if (args.length > 1) return { invalid: 'typing takes at most one argument.' };
  const [request] = args;
  if (request === undefined || request === null) return null;
  if (typeof request !== 'object' || Array.isArray(request)) {
    return { invalid: 'The typing argument must be an object.' };
  }
  const { recipient } = request as Record<string, unknown>;
  if (recipient === undefined || recipient === null) return null;
  if (typeof recipient !== 'string' || !isPlausibleUserId(recipient)) {
    return { invalid: '`recipient` must be a user id.' };
  }
  return recipient;
}

export async function relayTyping(
  { hub, typistConnections, allow }: TypingDependencies,
  typist: Typist,
  args: readonly unknown[],
): Promise<TypingOutcome> {
  const recipient = readTypingRecipient(args);
  if (recipient !== null && typeof recipient === 'object') {
    return { kind: 'invalid', reason: recipient.invalid };
  }
  // Clients throttle themselves; this only stops a misbehaving one from costing REST calls.
  if (!(await allow(typist.user.id))) return { kind: 'dropped' };
  const notice: TypingNotice = { user: { id: typist.user.id, name: typist.user.name } };
  if (recipient === null) {
    const excluded = new Set(await typistConnections());
    excluded.add(typist.connectionId);
    await hub.sendToAll(TYPING_EVENT, [notice], [...excluded]);
    return { kind: 'relayed' };
  }
  // Writing to oneself: nobody else is in that conversation, and it never goes back.
  if (recipient !== typist.user.id) {
    notice.recipient = recipient;
    await hub.sendToUser(recipient, TYPING_EVENT, [notice]);
  }
  return { kind: 'relayed' };
}
