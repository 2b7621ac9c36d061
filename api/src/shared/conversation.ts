// Conversations (rooms and direct messages) as the API and the React app both see them: the
// bodies of the conversation routes and the events that keep every tab of a person in step.
// Like chat-message.ts it is bundled by the app through an alias, so it must stay free of imports.

/** The room everyone is in. Its id never changes, so `/r/general` always works. */
export const GENERAL_ROOM_ID = 'general';
export const GENERAL_ROOM_NAME = 'general';

export type ConversationKind = 'room' | 'direct';
export type RoomVisibility = 'public' | 'private';

/** Room names: 1 to 40 characters after trimming; unique among rooms, ignoring case. */
export const MAX_ROOM_NAME_LENGTH = 40;
export const MAX_ROOM_TOPIC_LENGTH = 250;

/**
 * Unread counts stop here: a count above it means "more than this" (shown as "99+"), so that
 * counting never reads more than MAX_UNREAD + 1 messages of a conversation.
 */
export const MAX_UNREAD = 99;

/** The longest text preview of a conversation's last message, in code points. */
export const PREVIEW_LENGTH = 140;

/** Where a person has read up to: the newest message they have seen, in timeline order. */
export interface ReadPosition {
  messageId: string;
  sentAt: string;
}

/** The start of a message, enough to show in a list. */
export interface MessagePreview {
  id: string;
  sender: { id: string; name: string };
  /** At most PREVIEW_LENGTH code points; '' when deleted. */
  text: string;
  sentAt: string;
  /** Present (true) when the sender deleted it: show "This message was deleted". */
  deleted?: true;
}

/** One conversation as the caller sees it (unread, read position and mute are theirs). */
export interface ConversationSummary {
  /** `general`, a room id, or a direct conversation id: opaque, use it as given. */
  id: string;
  kind: ConversationKind;
  /** A room's name (without `#`), or the partner's name in a direct conversation. */
  name: string;
  topic?: string;
  /** Rooms only. */
  visibility?: RoomVisibility;
  /** Direct conversations only: the other person (oneself for notes). */
  with?: { id: string; name: string };
  /** Messages from others after the read position; MAX_UNREAD + 1 means "more". */
  unread: number;
  /**
   * Of those, how many mention the caller (present only when above 0; MAX_UNREAD + 1 means
   * "more"). Mentions count in muted conversations too.
   */
  unreadMentions?: number;
  /** Absent when nothing was ever read here (then every message counts as unread). */
  readPosition?: ReadPosition;
  lastMessage?: MessagePreview;
  /** Present (true) only when the caller muted it: no notifications, unread still counted. */
  muted?: true;
}

/** GET /api/conversations. `#general` first, then by last activity, newest first. */
export interface ConversationList {
  conversations: ConversationSummary[];
}

/** A room in the directory. */
export interface RoomSummary {
  id: string;
  name: string;
  topic?: string;
  visibility: RoomVisibility;
  memberCount: number;
  /** Whether the caller is a member (always true for #general). */
  isMember: boolean;
}

/** GET /api/rooms: every public room and the private rooms the caller is in, by name. */
export interface RoomDirectory {
  rooms: RoomSummary[];
}

/** POST /api/rooms. */
export interface CreateRoomRequest {
  name: string;
  topic?: string;
  visibility: RoomVisibility;
}

/** A person in the directory of people (everyone who has signed in). */
export interface PersonSummary {
  id: string;
  name: string;
}

/** GET /api/people?q=<start of a name>: at most 20, by name. */
export interface PeopleList {
  people: PersonSummary[];
}

/** GET /api/rooms/{roomId}/members (members only for private rooms). */
export interface MemberList {
  members: PersonSummary[];
}

/** PUT /api/conversations/{id}/read. */
export interface ReadRequest {
  /** A message id of this conversation; the position only moves forward. */
  upTo: string;
}

/** PUT /api/conversations/{id}/mute. */
export interface MuteRequest {
  muted: boolean;
}

// ---- Events, each pushed to every connection of the one person concerned ----

/**
 * A conversation appeared for the person (created, joined, added, a first direct message) or
 * changed for them (read position, mute): the argument is the whole ConversationSummary, as
 * GET /api/conversations would give it now. Replace the one with the same id.
 */
export const CONVERSATION_UPDATED_EVENT = 'conversationUpdated';

/** The person left a room: the argument is ConversationRemoved. Forget the conversation. */
export const CONVERSATION_REMOVED_EVENT = 'conversationRemoved';

export interface ConversationRemoved {
  id: string;
}
